using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansCache.Core;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Fuzzing;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Messaging;

/// <summary>
/// The connection's read loop, fed fuzzed byte streams in random pieces through a pipe. Its close reason is checked
/// against what the frame decoder alone says about the same bytes (a differential oracle), a call waiting on the
/// connection always ends, and a peer that stops mid-frame is closed by keep-alive rather than waited on forever.
/// </summary>
public sealed class FramedConnectionFuzzTests
{
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task ReadLoop_FuzzedStreamsInRandomPieces_CloseAsTheDecoderPredicts_NeverHang()
    {
        var options = new FuzzOptions("framed-connection", ciInputs: 8000) { Parallelism = 2 };

        var report = await Fuzzer.RunAsync(options, RunCaseAsync, TestContext.Current.CancellationToken);

        report.Publish();
        Assert.Equal(options.Inputs, report.Tried);
        foreach (var outcome in new[] { "end:clean", "end:protocol-violation", "open:keep-alive-timeout", "open:protocol-violation" })
        {
            Assert.True(report.Outcomes.Keys.Any(k => k.StartsWith(outcome, StringComparison.Ordinal)), $"no case ended as {outcome}: {report}");
        }
    }

    private static async Task<string> RunCaseAsync(Random random, long index, CancellationToken cancellationToken)
    {
        var input = FrameStreamGenerator.Generate(random);
        var maxFrameBytes = random.OneIn(3) ? 1024 : 16 * 1024 * 1024;
        var endOfStream = !random.OneIn(3);
        var clock = new ManualTimeProvider();
        var inbound = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var outbound = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var connectionOptions = new ConnectionOptions { MaxFrameBytes = maxFrameBytes, KeepAliveInterval = KeepAliveInterval, KeepAliveTimeout = KeepAliveTimeout };
        var reader = new WatchedPipeReader(inbound.Reader);
        var connection = new FramedConnection(new Duplex(reader, outbound.Writer), connectionOptions, new ServerLikeHandler(), clock, NullLogger.Instance, $"fuzz case {index}");
        connection.Start();
        var drained = DrainAsync(outbound.Reader);

        // The first request gets id 1, which the corpus' responses carry: some cases answer it.
        var pending = connection.SendRequestAsync(new Request { GrainType = "g", GrainKey = "k", Method = "M" }, TimeSpan.FromHours(1), cancellationToken);
        var fed = 0;
        for (var start = 0; start < input.Length;)
        {
            var length = Math.Min(input.Length - start, 1 + random.SkewedLength(600));
            var flushed = await inbound.Writer.WriteAsync(input.AsMemory(start, length), cancellationToken);
            start += length;
            fed = start;
            if (flushed.IsCompleted)
            {
                break; // the connection stopped reading: it closed
            }
        }

        var expected = Predict(input, maxFrameBytes, endOfStream);
        if (endOfStream)
        {
            await inbound.Writer.CompleteAsync();
        }
        else if (expected == "keep-alive-timeout")
        {
            // The peer went quiet, perhaps mid-frame: keep-alive must close the connection, not wait forever. Every
            // whole frame fed is handled first, so nothing but the silence can be what closes it.
            await Task.WhenAny(reader.WhenExamined(fed), connection.Completion).WaitAsync(cancellationToken);
            clock.Advance(KeepAliveTimeout + KeepAliveInterval);
        }

        // A violation in the bytes fed closes the connection by itself, with no help from the clock.
        await connection.Completion.WaitAsync(cancellationToken);
        await drained.WaitAsync(cancellationToken);
        if (!endOfStream)
        {
            await inbound.Writer.CompleteAsync();
        }

        var actual = Describe(connection.CloseReason);
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The connection closed with {actual} ({connection.CloseReason?.Message}); the decoder predicts {expected}. Input (base64): {Convert.ToBase64String(input)}");
        }

        string call;
        try
        {
            await pending.WaitAsync(cancellationToken);
            call = "answered";
        }
        catch (ConnectionLostException)
        {
            call = "connection-lost";
        }

        return $"{(endOfStream ? "end" : "open")}:{actual}:{call}";
    }

    /// <summary>What the decoder alone says the connection must close with.</summary>
    private static string Predict(byte[] input, int maxFrameBytes, bool endOfStream)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        try
        {
            while (FrameCodec.TryReadFrame(ref buffer, maxFrameBytes, out var payload))
            {
                if (FrameCodec.Parse(payload).BodyCase == Envelope.BodyOneofCase.Welcome)
                {
                    return "protocol-violation"; // the handler refuses it, as a silo refuses a Welcome
                }
            }
        }
        catch (ProtocolViolationException)
        {
            return "protocol-violation";
        }

        if (!endOfStream)
        {
            return "keep-alive-timeout";
        }

        return buffer.IsEmpty ? "clean" : "protocol-violation";
    }

    private static string Describe(Exception? reason) => reason switch
    {
        null => "clean",
        ProtocolViolationException => "protocol-violation",
        TimeoutException => "keep-alive-timeout",
        _ => $"unexpected {reason.GetType().Name}",
    };

    private static async Task DrainAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                await reader.CompleteAsync();
                return;
            }
        }
    }

    /// <summary>Takes what a server takes, and refuses a Welcome the way a silo refuses an unexpected kind.</summary>
    private sealed class ServerLikeHandler : IEnvelopeHandler
    {
        public void OnEnvelope(FramedConnection connection, Envelope envelope)
        {
            if (envelope.BodyCase == Envelope.BodyOneofCase.Welcome)
            {
                throw new ProtocolViolationException("Unexpected Welcome.");
            }
        }

        public void OnClosed(FramedConnection connection, Exception? reason)
        {
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
