using System.Net.Sockets;
using OrleansCache.Core.Messaging;

namespace OrleansCache.Runtime.Tests.Infrastructure;

/// <summary>A plain TCP socket for sending a silo bytes no client library would send.</summary>
internal static class RawConnection
{
    /// <summary>
    /// Sends <paramref name="bytes"/> (then half-closes if asked) and waits until the silo closes the connection.
    /// Returns whatever the silo sent before closing.
    /// </summary>
    public static async Task<byte[]> SendAndAwaitCloseAsync(string endPoint, byte[] bytes, bool halfClose, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(EndPointParser.Parse(endPoint), cancellationToken);
        await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var received = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
                if (read == 0)
                {
                    return [.. received];
                }

                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
            return [.. received];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The silo did not close the connection within {timeout}.");
        }
    }
}
