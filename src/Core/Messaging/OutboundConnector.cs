using System.Net;
using Microsoft.Extensions.Logging;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Messaging;

/// <summary>Opens a framed connection and performs the connecting side of the handshake (Hello, then Welcome).</summary>
internal static class OutboundConnector
{
    /// <summary>
    /// Connects, sends <paramref name="hello"/> and waits for the Welcome, all within <paramref name="connectTimeout"/>.
    /// The caller checks the Welcome (rejection, identity) and closes the connection if it does not accept it.
    /// </summary>
    /// <exception cref="TimeoutException">Connecting or the handshake took too long.</exception>
    public static async Task<(FramedConnection Connection, Welcome Welcome)> ConnectAsync(
        EndPoint endPoint,
        string name,
        OutboundPeerState state,
        Hello hello,
        IEnvelopeHandler handler,
        ConnectionOptions options,
        TimeSpan connectTimeout,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var (pipe, resource) = await SocketConnector.ConnectAsync(endPoint, connectTimeout, time, cancellationToken).ConfigureAwait(false);
        var connection = new FramedConnection(pipe, options, handler, time, logger, name, resource) { PeerState = state };
        connection.Start();
        try
        {
            hello.ProtocolVersion = FrameCodec.ProtocolVersion;
            await connection.SendAsync(new Envelope { Hello = hello }, cancellationToken).ConfigureAwait(false);
            var welcome = await state.Welcome.Task.WaitAsync(connectTimeout, time, cancellationToken).ConfigureAwait(false);
            return (connection, welcome);
        }
        catch
        {
            connection.Close(null);
            throw;
        }
    }
}
