using OrleansCache.Core;

namespace OrleansCache.Client;

/// <summary>
/// A connection to an OrleansCache cluster through one of its gateways, and the grain references that use it.
/// </summary>
/// <remarks>
/// Thread-safe; share one per process. The client reconnects by itself: when its gateway goes away, calls in flight
/// on it fail with <see cref="ConnectionLostException"/>, and new calls wait (within their timeout) until another
/// gateway accepts the client.
/// </remarks>
public interface IClusterClient : IGrainFactory, IAsyncDisposable
{
    /// <summary>True while a gateway connection is open.</summary>
    bool IsConnected { get; }

    /// <summary>The gateway endpoint in use, or null while disconnected.</summary>
    string? CurrentGateway { get; }

    /// <summary>Raised after each successful connection to a gateway (the first and every reconnection).</summary>
    event EventHandler<GatewayConnectedEventArgs>? Connected;

    /// <summary>Raised when the gateway connection is lost; the client is already reconnecting.</summary>
    event EventHandler<GatewayDisconnectedEventArgs>? Disconnected;

    /// <summary>Connects to the first gateway that accepts the client, if not connected already.</summary>
    /// <exception cref="ClusterUnavailableException">No gateway accepted within the connect timeout; the client keeps trying in the background.</exception>
    Task ConnectAsync(CancellationToken cancellationToken = default);
}
