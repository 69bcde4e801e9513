namespace OrleansCache.Core.Messaging;

/// <summary>The peer broke the wire protocol; the connection that carried it is closed.</summary>
internal sealed class ProtocolViolationException : Exception
{
    public ProtocolViolationException(string message) : base(message) { }

    public ProtocolViolationException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>
    /// What was wrong with the frame, as a stable metric tag value: <c>oversized</c>, <c>malformed</c>, <c>truncated</c>,
    /// or <c>unexpected</c> (a well-formed frame the protocol does not allow here).
    /// </summary>
    public string Reason { get; init; } = "unexpected";
}
