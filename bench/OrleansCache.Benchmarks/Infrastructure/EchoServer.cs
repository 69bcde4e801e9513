using System.Net;
using System.Net.Sockets;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>
/// The floor: an async TCP ping-pong on loopback with the same payload size, no framework at all. Nothing can answer a
/// remote read faster than this on this machine.
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    public EchoServer()
    {
        _listener.Start();
        _accept = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            socket.NoDelay = true;
            _ = Task.Run(async () =>
            {
                var buffer = new byte[64 * 1024];
                while (true)
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None);
                    if (read == 0)
                    {
                        socket.Dispose();
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            });
        }
    }

    /// <summary>A client that sends <paramref name="size"/> bytes and waits for them to come back.</summary>
    public async Task<Func<Task>> ConnectPingPongAsync(int size)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        var payload = new byte[size];
        var received = new byte[size];
        return async () =>
        {
            await socket.SendAsync(payload, SocketFlags.None);
            var total = 0;
            while (total < size)
            {
                total += await socket.ReceiveAsync(received.AsMemory(total), SocketFlags.None);
            }
        };
    }
}
