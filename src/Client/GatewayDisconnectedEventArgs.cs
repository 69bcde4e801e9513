namespace OrleansCache.Client;

/// <summary>The client lost its gateway connection.</summary>
public sealed class GatewayDisconnectedEventArgs(string gateway, Exception? reason) : EventArgs
{
    /// <summary>The gateway's <c>host:port</c>.</summary>
    public string Gateway { get; } = gateway;

    /// <summary>Why, if known.</summary>
    public Exception? Reason { get; } = reason;
}
