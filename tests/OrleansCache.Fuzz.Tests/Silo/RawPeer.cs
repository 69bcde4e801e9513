using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansCache.Fuzz.Tests.Silo;

/// <summary>
/// A plain TCP connection to a silo port that sends whatever it is given and notices when the silo closes it: the
/// bytes of a fuzz case, or nothing at all.
/// </summary>
internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket;

    private RawPeer(Socket socket)
    {
        _socket = socket;
        Opened = Stopwatch.GetTimestamp();
    }

    /// <summary>When the connection was made (<see cref="Stopwatch"/> timestamp).</summary>
    public long Opened { get; }

    public static async Task<RawPeer> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            return new RawPeer(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="bytes"/>; false if the silo had already closed the connection.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                bytes = bytes[sent..];
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Stops sending (a FIN), keeping the connection open for reading.</summary>
    public void EndSending() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>
    /// Completes when the silo closes the connection (end of stream or reset), with how long after it was opened;
    /// whatever the silo sends before that is read and discarded.
    /// </summary>
    /// <exception cref="TimeoutException">Still open after <paramref name="timeout"/>.</exception>
    public async Task<TimeSpan> ClosedBySiloAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // A reset: closed too.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The silo kept the connection open for {timeout.TotalSeconds:0} s.");
        }

        return Stopwatch.GetElapsedTime(Opened);
    }

    public void Dispose() => _socket.Dispose();
}
