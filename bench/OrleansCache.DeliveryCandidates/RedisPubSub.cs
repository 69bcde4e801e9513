using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using StackExchange.Redis;

namespace OrleansCache.DeliveryCandidates;

// Candidate 5, the peer: Redis PUBLISH to N StackExchange.Redis subscribers, each its own ConnectionMultiplexer (its
// own subscription socket), as N separate application hosts would have.

/// <summary>
/// A redis-server of our own on a free loopback port, without persistence. Only this process (by its PID) is ever
/// stopped; <see cref="DisposeAsync"/> runs from a finally block and also on process exit.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<PosixSignalRegistration> _signals;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
        // Also when this benchmark is interrupted or terminated: the signal handlers kill our server and let the
        // default handling (exit) go on.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => Kill()))];
    }

    public int Port { get; }

    public string Configuration => FormattableString.Invariant($"127.0.0.1:{Port},abortConnect=false");

    public static async Task<RedisServer> StartAsync()
    {
        var port = OrleansCluster.FreePort();
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        var server = new RedisServer(process, port);
        try
        {
            // Await the server's own "ready" line rather than polling the port.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
                {
                    // Keep draining its output so the pipe never fills and blocks it.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return server;
                }
            }

            throw new InvalidOperationException("redis-server exited before it was ready (is redis-server installed?)");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _signals.ForEach(s => s.Dispose());
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

internal sealed class RedisPubSubCandidate(RedisServer server, string key) : ICandidate
{
    private readonly List<ConnectionMultiplexer> _subscribers = [];
    private readonly RedisChannel _channel = RedisChannel.Literal("invalidations:" + key);
    private ConnectionMultiplexer _publisher = null!;
    private long _seq;

    public string Mechanism => "Redis PUBLISH → StackExchange.Redis subscribers (peer)";

    public async Task StartAsync(int subscribers, DeliverySink sink)
    {
        _publisher = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        for (var i = 0; i < subscribers; i++)
        {
            var client = i;
            var connection = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
            _subscribers.Add(connection);
            // The queue form processes one subscriber's messages in order (the handler form may run them concurrently).
            var queue = await connection.GetSubscriber().SubscribeAsync(_channel);
            queue.OnMessage(message => sink.Deliver(client, Decode(message.Message)));
        }
    }

    public Task<long> LastSeqAsync() => Task.FromResult(_seq);

    public Task PublishAsync()
    {
        // The publisher is the single producer here, so it numbers events as the feed grain does.
        var seq = ++_seq;
        return _publisher.GetSubscriber().PublishAsync(_channel, Encode(new Invalidation(seq, Stopwatch.GetTimestamp(), Invalidation.KeyFor(seq))));
    }

    public string Notes() => "";

    public async Task StopAsync()
    {
        foreach (var connection in _subscribers)
        {
            await connection.DisposeAsync();
        }

        _subscribers.Clear();
        await _publisher.DisposeAsync();
    }

    private static byte[] Encode(Invalidation e)
    {
        var bytes = new byte[16 + Encoding.UTF8.GetByteCount(e.Key)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, e.Seq);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), e.Stamp);
        Encoding.UTF8.GetBytes(e.Key, bytes.AsSpan(16));
        return bytes;
    }

    private static Invalidation Decode(RedisValue value)
    {
        ReadOnlySpan<byte> bytes = (byte[])value!;
        return new Invalidation(
            BinaryPrimitives.ReadInt64LittleEndian(bytes),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
            Encoding.UTF8.GetString(bytes[16..]));
    }
}
