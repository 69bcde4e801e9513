namespace OrleansCache.Core.Messaging;

/// <summary>The peer broke the wire protocol; the connection that carried it is closed.</summary>
internal sealed class ProtocolViolationException : Exception
{
    public ProtocolViolationException(string message) : base(message) { }

    public ProtocolViolationException(string message, Exception innerException) : base(message, innerException) { }
}
