namespace OrleansCache.Client;

/// <summary>The client connected to a gateway.</summary>
public sealed class GatewayConnectedEventArgs(string gateway, string siloAddress, bool isReconnect) : EventArgs
{
    /// <summary>The gateway's <c>host:port</c>.</summary>
    public string Gateway { get; } = gateway;

    /// <summary>The silo behind the gateway.</summary>
    public string SiloAddress { get; } = siloAddress;

    /// <summary>False for the first connection, true for every later one.</summary>
    public bool IsReconnect { get; } = isReconnect;
}
