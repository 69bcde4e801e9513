using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OrleansCache.TestSupport.Network;

/// <summary>
/// A loopback TCP proxy that can hold back what its clients send upstream and deliver it later, in order: a network
/// that delays one process's requests (e.g. a silo's commands to Redis) for as long as a test needs, so a request the
/// process sent before it was paused reaches the server only after the rest of the system has moved on. Replies are
/// passed through at once; the bytes held, and those answered after a release, can be searched. It can also cut its
/// clients off (every connection reset, new ones refused) until restored: a network failure between one process and the
/// server.
/// </summary>
public sealed class HoldingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<Link> _links = [];
    private readonly MemoryStream _held = new();
    private readonly MemoryStream _answeredAfterRelease = new();
    private readonly Task _accepting;
    private bool _holding;
    private bool _released;
    private bool _refusing;

    private HoldingTcpProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary><c>127.0.0.1:port</c>, as a Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts a proxy to <c>127.0.0.1:<paramref name="upstreamPort"/></c>.</summary>
    public static HoldingTcpProxy Start(int upstreamPort) => new(upstreamPort);

    /// <summary>From now on, what any client sends is kept here, not sent upstream, until <see cref="ReleaseAsync"/>.</summary>
    public async Task HoldAsync()
    {
        foreach (var link in Links(holding: true))
        {
            await link.SetHoldingAsync(true, _stop.Token);
        }
    }

    /// <summary>Sends everything held upstream, in the order it was sent, and passes what follows straight through.</summary>
    public async Task ReleaseAsync()
    {
        lock (_lock)
        {
            _released = true;
        }

        foreach (var link in Links(holding: false))
        {
            await link.SetHoldingAsync(false, _stop.Token);
        }
    }

    /// <summary>Resets every connection (both sides) and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        List<Link> links;
        lock (_lock)
        {
            _refusing = true;
            links = [.. _links];
            _links.Clear();
        }

        foreach (var link in links)
        {
            link.Reset();
        }
    }

    /// <summary>Accepts and passes through new connections again after <see cref="Cut"/>.</summary>
    public void Restore()
    {
        lock (_lock)
        {
            _refusing = false;
        }
    }

    /// <summary>Whether the bytes held so far (all connections) contain <paramref name="bytes"/>.</summary>
    public bool HeldContains(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            return _held.GetBuffer().AsSpan(0, (int)_held.Length).IndexOf(bytes) >= 0;
        }
    }

    /// <summary>Whether the server's replies since <see cref="ReleaseAsync"/> (all connections) contain <paramref name="bytes"/>.</summary>
    public bool AnsweredAfterReleaseContains(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            return _answeredAfterRelease.GetBuffer().AsSpan(0, (int)_answeredAfterRelease.Length).IndexOf(bytes) >= 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var link in Links(holding: null))
        {
            link.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped while accepting.
        }

        _stop.Dispose();
    }

    private List<Link> Links(bool? holding)
    {
        lock (_lock)
        {
            if (holding is { } value)
            {
                _holding = value;
            }

            return [.. _links];
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            bool refusing;
            lock (_lock)
            {
                refusing = _refusing;
            }

            if (refusing)
            {
                Reset(client);
                continue;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            Link link;
            lock (_lock)
            {
                link = new Link(this, client, upstream, _holding);
                _links.Add(link);
            }

            link.Start(_stop.Token);
        }
    }

    /// <summary>Closes with a reset (linger 0), as a failed network shows a connection to the side that still uses it.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        socket.Dispose();
    }

    private void Record(MemoryStream into, ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (into == _held || _released)
            {
                into.Write(bytes);
            }
        }
    }

    /// <summary>One client connection and its upstream connection.</summary>
    private sealed class Link(HoldingTcpProxy proxy, Socket client, Socket upstream, bool holding) : IDisposable
    {
        // Guards the upstream direction, so held bytes are always sent before anything that came after them.
        private readonly SemaphoreSlim _upstreamTurn = new(1, 1);
        private readonly List<byte[]> _pending = [];
        private bool _holding = holding;

        public void Start(CancellationToken stop)
        {
            _ = Task.Run(() => PumpUpstreamAsync(stop), CancellationToken.None);
            _ = Task.Run(() => PumpDownstreamAsync(stop), CancellationToken.None);
        }

        public async Task SetHoldingAsync(bool holding, CancellationToken stop)
        {
            await _upstreamTurn.WaitAsync(stop);
            try
            {
                if (!holding)
                {
                    foreach (var chunk in _pending)
                    {
                        await SendAllAsync(upstream, chunk, stop);
                    }

                    _pending.Clear();
                }

                _holding = holding;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The connection is gone; so is what it held.
                Close();
            }
            finally
            {
                _upstreamTurn.Release();
            }
        }

        public void Reset()
        {
            HoldingTcpProxy.Reset(client);
            HoldingTcpProxy.Reset(upstream);
        }

        public void Close()
        {
            client.Dispose();
            upstream.Dispose();
        }

        public void Dispose()
        {
            Close();
            _upstreamTurn.Dispose();
        }

        private async Task PumpUpstreamAsync(CancellationToken stop)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var read = await client.ReceiveAsync(buffer, SocketFlags.None, stop);
                    if (read == 0)
                    {
                        break;
                    }

                    await _upstreamTurn.WaitAsync(stop);
                    try
                    {
                        if (_holding)
                        {
                            _pending.Add(buffer.AsSpan(0, read).ToArray());
                            proxy.Record(proxy._held, buffer.AsSpan(0, read));
                        }
                        else
                        {
                            await SendAllAsync(upstream, buffer.AsMemory(0, read), stop);
                        }
                    }
                    finally
                    {
                        _upstreamTurn.Release();
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Either side went away, or the proxy stopped.
            }

            Close();
        }

        private async Task PumpDownstreamAsync(CancellationToken stop)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var read = await upstream.ReceiveAsync(buffer, SocketFlags.None, stop);
                    if (read == 0)
                    {
                        break;
                    }

                    proxy.Record(proxy._answeredAfterRelease, buffer.AsSpan(0, read));
                    await SendAllAsync(client, buffer.AsMemory(0, read), stop);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Either side went away, or the proxy stopped.
            }

            Close();
        }

        private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken stop)
        {
            while (!bytes.IsEmpty)
            {
                var sent = await socket.SendAsync(bytes, SocketFlags.None, stop);
                bytes = bytes[sent..];
            }
        }
    }
}
