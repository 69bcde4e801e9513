namespace OrleansCache.Client;

/// <summary>Settings of the cache client.</summary>
public sealed class OrleansCacheClientOptions
{
    /// <summary>How to reach the cluster (gateways, cluster id, timeouts).</summary>
    public ClusterClientOptions Cluster { get; } = new();

    /// <summary>Gateway endpoints (<c>host:port</c>); shorthand for <c>Cluster.Gateways</c>.</summary>
    public IList<string> Gateways => Cluster.Gateways;

    /// <summary>The cluster id; shorthand for <c>Cluster.ClusterId</c>.</summary>
    public string ClusterId
    {
        get => Cluster.ClusterId;
        set => Cluster.ClusterId = value;
    }

    /// <summary>The local near-cache.</summary>
    public NearCacheOptions NearCache { get; } = new();

    /// <summary>
    /// Key prefixes whose every invalidation this client receives, whether or not it read the key (broadcast mode).
    /// Empty by default: the client hears about exactly the keys it touched (tracking mode). The empty prefix
    /// (<c>""</c>) subscribes to every key: meant for tools that watch the whole cluster, since such a client is sent
    /// every change anywhere.
    /// </summary>
    public IList<string> BroadcastPrefixes { get; } = [];

    /// <summary>The longest key accepted. Default 1,024 characters; keep it at most the silos' limit.</summary>
    public int MaxKeyLength { get; set; } = 1024;

    /// <summary>The largest serialized value accepted. Default 1 MiB; keep it at most the silos' limit.</summary>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a get-or-create fill may take before other callers stop waiting for it and fill themselves. Default 30 s.</summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many keys go in one version-check call when revalidating. Default 256.</summary>
    public int RevalidationBatchSize { get; set; } = 256;
}
