using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Messaging;

/// <summary>Receives what a <see cref="FramedConnection"/> reads, except responses, which it matches itself.</summary>
internal interface IEnvelopeHandler
{
    /// <summary>Called on the connection's read loop: return quickly, start long work elsewhere.</summary>
    void OnEnvelope(FramedConnection connection, Envelope envelope);

    /// <summary>Called once when the connection has closed, with the reason if it failed.</summary>
    void OnClosed(FramedConnection connection, Exception? reason);
}
