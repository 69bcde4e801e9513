namespace OrleansCache.Core.Messaging;

/// <summary>A request was not sent because its connection is closing; retrying elsewhere is safe.</summary>
internal sealed class ConnectionDrainingException : Exception
{
    public ConnectionDrainingException(string message) : base(message) { }
}
