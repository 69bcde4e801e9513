using OrleansCache.Core.Membership;
using OrleansCache.Core.Messaging;

namespace OrleansCache.Client;

/// <summary>How a client finds and talks to the cluster.</summary>
public sealed class ClusterClientOptions
{
    /// <summary>The cluster to join; gateways of another cluster refuse the client. Default <c>dev</c>.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>
    /// Gateway endpoints (<c>host:port</c>) to try, in order. The client learns the other active gateways from
    /// the cluster once connected, so one reachable gateway is enough.
    /// </summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>
    /// Finds gateways besides <see cref="Gateways"/>, asked before every round of connection attempts (e.g. the Redis
    /// membership table: <c>UseRedisGatewayList</c>). With a provider, <see cref="Gateways"/> may be empty.
    /// The client owns it: a provider that is <see cref="IAsyncDisposable"/> is disposed with the client.
    /// </summary>
    public IGatewayListProvider? GatewayListProvider { get; set; }

    /// <summary>This client's name in silo logs. Default: machine, process id and a random suffix.</summary>
    public string ClientId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long a call waits for its response, including waiting for a connection. Default 30 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one connection attempt to one gateway may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first pause after every gateway failed; it doubles up to <see cref="MaxReconnectDelay"/>. Default 100 ms.</summary>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between rounds of reconnection attempts. Default 5 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Frame limit, keep-alive and queue bounds of the gateway connection.</summary>
    public ConnectionOptions Connection { get; set; } = new();

    /// <summary>The shared secret (or client key) and TLS of the gateway connection. Off by default.</summary>
    public ClientSecurityOptions Security { get; set; } = new();
}
