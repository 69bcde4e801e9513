using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansCache.Core;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Runtime.Tests.Messaging;

public sealed class FramedConnectionTests
{
    [Fact]
    public async Task ManyRequestsInFlight_AreMatchedToTheirResponses()
    {
        var (client, _) = Connect(new EchoHandler());

        var responses = await Task.WhenAll(Enumerable.Range(0, 500).Select(i =>
            client.SendRequestAsync(new Request { GrainKey = $"k{i}" }, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)));

        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"k{i}"), responses.Select(r => r.Result.ToStringUtf8()));
    }

    [Fact]
    public async Task Close_FailsPendingRequestsWithConnectionLost()
    {
        var (client, server) = Connect(new SilentHandler());
        var pending = client.SendRequestAsync(new Request { GrainKey = "k" }, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        server.Close(null);

        await Assert.ThrowsAsync<ConnectionLostException>(() => pending);
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task NoResponse_FailsWithTimeout_DrivenByManualClock()
    {
        var clock = new ManualTimeProvider();
        var (client, _) = Connect(new SilentHandler(), clock);
        var pending = client.SendRequestAsync(new Request { GrainKey = "k", Method = "M" }, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        clock.Advance(TimeSpan.FromSeconds(6));

        var ex = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => pending);
        Assert.Contains("M", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerSilentPastKeepAliveTimeout_IsClosed()
    {
        var clock = new ManualTimeProvider();
        var options = new ConnectionOptions { KeepAliveInterval = TimeSpan.FromSeconds(1), KeepAliveTimeout = TimeSpan.FromSeconds(3) };
        // The server side never answers pings: it has keep-alive off and a pipe nobody reads.
        var pair = DuplexPipe.CreatePair();
        var client = new FramedConnection(pair.Client, options, new SilentHandler(), clock, NullLogger.Instance, "client");
        client.Start();

        clock.Advance(TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(client.IsClosed);
        clock.Advance(TimeSpan.FromSeconds(2));

        await client.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.IsType<TimeoutException>(client.CloseReason);
    }

    [Fact]
    public async Task CloseWhenIdle_WaitsForPendingResponses_AndRefusesNewRequests()
    {
        var handler = new ManualHandler();
        var (client, _) = Connect(handler);
        var pending = client.SendRequestAsync(new Request { GrainKey = "k" }, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var request = await handler.Received.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        client.CloseWhenIdle();

        Assert.False(client.IsClosed);
        await Assert.ThrowsAsync<ConnectionDrainingException>(() => client.SendRequestAsync(new Request(), TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
        handler.Reply(request);
        Assert.Equal("k", (await pending).Result.ToStringUtf8());
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task CloseWhenIdle_WhenTheLastPendingRequestGivesUp_Closes()
    {
        // Found by the fault-injection runner: a peer told to close kept its connection to a stopping silo open until the
        // stop's timeout, because its one pending request timed out (or was cancelled) instead of being answered, and
        // only an answer closed a draining connection.
        var handler = new ManualHandler();
        var (client, _) = Connect(handler);
        using var cancel = new CancellationTokenSource();
        var pending = client.SendRequestAsync(new Request { GrainKey = "k" }, TimeSpan.FromMinutes(10), cancel.Token);
        await handler.Received.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        client.CloseWhenIdle();
        Assert.False(client.IsClosed);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task TransportThatFailsToFlush_ClosesTheConnection_AndLeavesNoUnobservedException()
    {
        // Found by the gateway fuzzer (docs/fuzzing.md): when a socket closed with bytes still buffered, completing its
        // pipe threw in the write loop's finally, and the loop's task faulted with nobody to observe it.
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await SendOverBrokenTransportAsync();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.DoesNotContain(unobserved, e => e.ToString().Contains(nameof(BrokenWriter), StringComparison.Ordinal));
    }

    // Not inlined: the connection and its loops must be unreachable when the test collects garbage.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task SendOverBrokenTransportAsync()
    {
        var pipe = new Pipe();
        var connection = new FramedConnection(new DuplexPipe(pipe.Reader, new BrokenWriter()), new ConnectionOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan }, new SilentHandler(), TimeProvider.System, NullLogger.Instance, "broken");
        connection.Start();

        connection.TrySend(new Envelope { Ping = new Ping { Nonce = 1 } });

        await connection.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.IsType<ObjectDisposedException>(connection.CloseReason);
        await pipe.Writer.CompleteAsync();
    }

    private static (FramedConnection Client, FramedConnection Server) Connect(IEnvelopeHandler serverHandler, TimeProvider? time = null)
    {
        var pair = DuplexPipe.CreatePair();
        var options = new ConnectionOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan };
        var server = new FramedConnection(pair.Server, options, serverHandler, time ?? TimeProvider.System, NullLogger.Instance, "server");
        var client = new FramedConnection(pair.Client, options, new SilentHandler(), time ?? TimeProvider.System, NullLogger.Instance, "client");
        if (serverHandler is ManualHandler manual)
        {
            manual.Connection = server;
        }

        server.Start();
        client.Start();
        return (client, server);
    }

    private sealed class EchoHandler : IEnvelopeHandler
    {
        public void OnEnvelope(FramedConnection connection, Envelope envelope) =>
            connection.TrySend(new Envelope { Response = new Response { Id = envelope.Request.Id, Result = Google.Protobuf.ByteString.CopyFromUtf8(envelope.Request.GrainKey) } });

        public void OnClosed(FramedConnection connection, Exception? reason) { }
    }

    private sealed class SilentHandler : IEnvelopeHandler
    {
        public void OnEnvelope(FramedConnection connection, Envelope envelope) { }

        public void OnClosed(FramedConnection connection, Exception? reason) { }
    }

    private sealed class ManualHandler : IEnvelopeHandler
    {
        public FramedConnection? Connection { get; set; }

        public TaskCompletionSource<Request> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnEnvelope(FramedConnection connection, Envelope envelope) => Received.TrySetResult(envelope.Request);

        public void OnClosed(FramedConnection connection, Exception? reason) { }

        public void Reply(Request request) =>
            Connection!.TrySend(new Envelope { Response = new Response { Id = request.Id, Result = Google.Protobuf.ByteString.CopyFromUtf8(request.GrainKey) } });
    }

    /// <summary>A stream pipe whose socket is gone: it buffers writes, then every flush and the completion throw.</summary>
    private sealed class BrokenWriter : PipeWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        public override void Advance(int bytes) => _buffer.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _buffer.GetSpan(sizeHint);

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null) => throw new ObjectDisposedException(nameof(BrokenWriter));

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => throw new ObjectDisposedException(nameof(BrokenWriter));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;

        public static (IDuplexPipe Client, IDuplexPipe Server) CreatePair()
        {
            var toServer = new Pipe();
            var toClient = new Pipe();
            return (new DuplexPipe(toClient.Reader, toServer.Writer), new DuplexPipe(toServer.Reader, toClient.Writer));
        }
    }
}
