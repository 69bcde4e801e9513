using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace OrleansCache.FaultInjection.Network;

/// <summary>
/// A TCP proxy on a loopback address that the runner owns: it forwards to one target and, on command, cuts every
/// connection (RST), delays every chunk, or stalls all traffic until released (what TCP makes of dropped packets:
/// nothing arrives, nothing is lost, the connection stays open).
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private const int ChunkBytes = 16 * 1024;
    private const int QueuedChunks = 256;

    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<long, Link> _links = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private long _nextLink;
    private long _delayTicks;
    private volatile TaskCompletionSource _flowing = Open();

    private FaultProxy(TcpListener listener, IPEndPoint target)
    {
        _listener = listener;
        _target = target;
        _accepting = Task.Run(AcceptAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _links.Count;

    /// <summary>Listens on <paramref name="address"/>:<paramref name="port"/> (0: any free port) and forwards to <paramref name="target"/>.</summary>
    public static FaultProxy Start(IPAddress address, int port, IPEndPoint target)
    {
        var listener = new TcpListener(address, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return new FaultProxy(listener, target);
    }

    /// <summary>Resets every open connection; returns how many.</summary>
    public int CutAll()
    {
        var cut = 0;
        foreach (var link in _links.Values)
        {
            link.Reset();
            cut++;
        }

        return cut;
    }

    /// <summary>Delays every chunk by <paramref name="delay"/> in both directions (zero: none).</summary>
    public void SetDelay(TimeSpan delay) => Interlocked.Exchange(ref _delayTicks, delay.Ticks);

    /// <summary>Holds all traffic (connections stay open, nothing is forwarded) until <see cref="Release"/>.</summary>
    public void Stall()
    {
        if (_flowing.Task.IsCompleted)
        {
            _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Forwards again what <see cref="Stall"/> held, in order.</summary>
    public void Release() => _flowing.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Release();
        foreach (var link in _links.Values)
        {
            link.Reset();
        }

        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket downstream;
            try
            {
                downstream = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(downstream));
        }
    }

    private async Task ServeAsync(Socket downstream)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        downstream.NoDelay = true;
        var link = new Link(downstream, upstream);
        var id = Interlocked.Increment(ref _nextLink);
        _links[id] = link;
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(5));
            await upstream.ConnectAsync(_target, connectTimeout.Token).ConfigureAwait(false);
            await Task.WhenAll(PumpAsync(downstream, upstream, link), PumpAsync(upstream, downstream, link)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // The target is gone or the link was cut: the other side sees the connection close.
        }
        finally
        {
            _links.TryRemove(id, out _);
            link.Reset();
            link.Dispose();
        }
    }

    /// <summary>One direction: a reader that stamps each chunk with when it may go, and a writer that sends it then.</summary>
    private async Task PumpAsync(Socket from, Socket to, Link link)
    {
        var queue = Channel.CreateBounded<(long Due, byte[] Bytes)>(new BoundedChannelOptions(QueuedChunks) { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var (due, bytes) in queue.Reader.ReadAllAsync(link.Closed).ConfigureAwait(false))
                {
                    var wait = TimeSpan.FromTicks(due - DateTime.UtcNow.Ticks);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, link.Closed).ConfigureAwait(false);
                    }

                    await _flowing.Task.WaitAsync(link.Closed).ConfigureAwait(false);
                    await to.SendAsync(bytes, SocketFlags.None, link.Closed).ConfigureAwait(false);
                }

                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                link.Reset();
            }
        });

        try
        {
            var buffer = new byte[ChunkBytes];
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, link.Closed).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                await queue.Writer.WriteAsync((DateTime.UtcNow.Ticks + Interlocked.Read(ref _delayTicks), buffer[..read]), link.Closed).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            link.Reset();
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        await writer.ConfigureAwait(false);
    }

    /// <summary>Both sockets of one proxied connection.</summary>
    private sealed class Link(Socket downstream, Socket upstream) : IDisposable
    {
        private readonly CancellationTokenSource _closed = new();
        private int _reset;

        public CancellationToken Closed => _closed.Token;

        /// <summary>Closes both sides at once with RST, as a cut cable or a crashed middlebox would look.</summary>
        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) != 0)
            {
                return;
            }

            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Finished meanwhile.
            }

            foreach (var socket in new[] { downstream, upstream })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // Already closed.
                }
            }
        }

        public void Dispose() => _closed.Dispose();
    }
}
