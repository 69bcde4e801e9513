using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansCache.FaultInjection.Network;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>The runner's proxy forwards, cuts, delays and stalls real loopback connections.</summary>
public sealed class FaultProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    private FaultProxy _proxy = null!;
    private Task _serving = Task.CompletedTask;

    public ValueTask InitializeAsync()
    {
        _echo.Start();
        _serving = Task.Run(EchoAsync);
        _proxy = FaultProxy.Start(IPAddress.Loopback, 0, (IPEndPoint)_echo.LocalEndpoint);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _echo.Stop();
        await _serving;
    }

    [Fact]
    public async Task CutAll_ResetsOpenConnections_AndNewOnesWork()
    {
        using var client = await ConnectAsync();
        Assert.Equal("one", await EchoAsync(client, "one"));
        Assert.Equal(1, _proxy.ConnectionCount);

        Assert.Equal(1, _proxy.CutAll());

        var buffer = new byte[16];
        var closed = await ReceiveOrResetAsync(client, buffer);
        Assert.True(closed, "The cut connection still delivered data.");
        using var again = await ConnectAsync();
        Assert.Equal("two", await EchoAsync(again, "two"));
    }

    [Fact]
    public async Task SetDelay_DelaysEachDirection_ThenZeroRestoresIt()
    {
        using var client = await ConnectAsync();
        _proxy.SetDelay(TimeSpan.FromMilliseconds(150));
        var watch = Stopwatch.StartNew();

        Assert.Equal("slow", await EchoAsync(client, "slow"));

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(290), $"The round trip took {watch.Elapsed.TotalMilliseconds:0} ms.");
        _proxy.SetDelay(TimeSpan.Zero);
        Assert.Equal("fast", await EchoAsync(client, "fast"));
    }

    [Fact]
    public async Task Stall_HoldsTraffic_UntilRelease_ThenDeliversItInOrder()
    {
        using var client = await ConnectAsync();
        Assert.Equal("ready", await EchoAsync(client, "ready"));
        _proxy.Stall();
        await client.SendAsync("abc"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
        await client.SendAsync("def"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
        var receiving = ReceiveAsync(client, 6);

        // The stall's length is the fault itself; the assertion is that nothing came back before the release (judged
        // on the receive itself: comparing a stopwatch with Task.Delay failed when the timer fired a little early).
        await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
        Assert.False(receiving.IsCompleted, "Data came back before the release.");
        _proxy.Release();

        Assert.Equal("abcdef", await receiving);
        Assert.Equal(1, _proxy.ConnectionCount);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_proxy.EndPoint, TestContext.Current.CancellationToken);
        return socket;
    }

    private static async Task<string> EchoAsync(Socket socket, string text)
    {
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(text), SocketFlags.None, TestContext.Current.CancellationToken);
        return await ReceiveAsync(socket, text.Length);
    }

    private static async Task<string> ReceiveAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        var received = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        while (received < length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token);
            Assert.NotEqual(0, read);
            received += read;
        }

        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    private static async Task<bool> ReceiveOrResetAsync(Socket socket, byte[] buffer)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private async Task EchoAsync()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = await _echo.AcceptSocketAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (connection)
                {
                    var buffer = new byte[1024];
                    try
                    {
                        int read;
                        while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                        {
                            await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                        }
                    }
                    catch (SocketException)
                    {
                        // Reset by the proxy.
                    }
                }
            });
        }
    }
}
