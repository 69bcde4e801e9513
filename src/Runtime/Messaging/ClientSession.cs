using Google.Protobuf;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Runtime.Messaging;

/// <summary>One connected client as its gateway sees it.</summary>
internal sealed class ClientSession(string clientId, FramedConnection connection)
{
    /// <summary>The id the client gave in its handshake.</summary>
    public string ClientId { get; } = clientId;

    public bool IsClosed => connection.IsClosed;

    /// <summary>
    /// Queues a push to the client. A client that cannot keep up is disconnected rather than silently skipped: it
    /// reconnects and resynchronizes, so it never keeps serving data it was not told changed.
    /// </summary>
    /// <returns>False if the client was disconnected (or already was).</returns>
    public bool TryPush(string stream, ulong sequence, ByteString payload)
    {
        if (connection.TrySend(new Envelope { Push = new Push { Stream = stream, Sequence = sequence, Payload = payload } }))
        {
            return true;
        }

        connection.Close(new IOException($"Client {ClientId} is not reading its pushes fast enough; disconnected so it resynchronizes."));
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => ClientId;
}
