using System.Net;
using System.Net.Sockets;
using OrleansCache.TestSupport.Network;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>
/// The proxy cut that <c>--target fusioncache</c>'s ClientCut uses (TestSupport's <see cref="HoldingTcpProxy"/>): open
/// connections are reset, new ones refused, until restored.
/// </summary>
public sealed class CuttingProxyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Cut_ResetsOpenConnections_AndRefusesNewOnes_UntilRestored()
    {
        var ct = TestContext.Current.CancellationToken;
        using var upstream = new TcpListener(IPAddress.Loopback, 0);
        upstream.Start();
        using var stopEcho = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var echo = EchoAsync(upstream, stopEcho.Token);
        await using var proxy = HoldingTcpProxy.Start(((IPEndPoint)upstream.LocalEndpoint).Port);

        using var before = await ConnectAsync(proxy, ct);
        Assert.True(await EchoesAsync(before, 1, ct));

        proxy.Cut();
        Assert.False(await EchoesAsync(before, 2, ct), "an open connection kept working through the cut");
        // The refusal shows at the connect or at the first exchange, as the reset races the handshake's completion.
        Assert.False(await ConnectsAndEchoesAsync(proxy, 3, ct), "a new connection was passed through during the cut");

        proxy.Restore();
        using var after = await ConnectAsync(proxy, ct);
        Assert.True(await EchoesAsync(after, 4, ct));

        await stopEcho.CancelAsync();
        upstream.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => echo);
    }

    private static async Task<Socket> ConnectAsync(HoldingTcpProxy proxy, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.Port, ct);
        return socket;
    }

    private static async Task<bool> ConnectsAndEchoesAsync(HoldingTcpProxy proxy, byte value, CancellationToken ct)
    {
        Socket socket;
        try
        {
            socket = await ConnectAsync(proxy, ct);
        }
        catch (SocketException)
        {
            return false;
        }

        using (socket)
        {
            return await EchoesAsync(socket, value, ct);
        }
    }

    /// <summary>Sends one byte and waits for it back: false if the connection was reset or closed instead.</summary>
    private static async Task<bool> EchoesAsync(Socket socket, byte value, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Patience);
        try
        {
            await socket.SendAsync(new[] { value }, SocketFlags.None, timeout.Token);
            var buffer = new byte[1];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return read == 1 && buffer[0] == value;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task EchoAsync(TcpListener listener, CancellationToken ct)
    {
        while (true)
        {
            var socket = await listener.AcceptSocketAsync(ct);
            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    var buffer = new byte[256];
                    try
                    {
                        int read;
                        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
                        {
                            await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct);
                        }
                    }
                    catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                    {
                        // The proxy reset it, or the test ended.
                    }
                }
            }, CancellationToken.None);
        }
    }
}
