namespace OrleansCache.Client;

/// <summary>Settings of the cache client. Bound from the <c>OrleansCache</c> configuration section by <c>AddOrleansCacheClient</c>.</summary>
public sealed class OrleansCacheClientOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "OrleansCache";

    /// <summary>
    /// Gateway endpoints (<c>host:port</c>) for a client that <c>AddOrleansCacheClient</c> builds. Leave empty when
    /// the Orleans client is configured otherwise (e.g. Redis clustering through the <c>configureClient</c> delegate).
    /// </summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>The cluster id of a client that <c>AddOrleansCacheClient</c> builds. Default <c>dev</c>.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The service id of a client that <c>AddOrleansCacheClient</c> builds. Default <c>orleans-cache</c>.</summary>
    public string ServiceId { get; set; } = "orleans-cache";

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

    /// <summary>The largest serialized value accepted. Default 4 MiB; keep it at most the silos' limit.</summary>
    public int MaxValueBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a get-or-create fill may take before other callers stop waiting for it and fill themselves. Default 30 s.</summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many keys go in one version-check call when revalidating. Default 256.</summary>
    public int RevalidationBatchSize { get; set; } = 256;

    /// <summary>
    /// How long a partition's feed may be silent (no batch, no heartbeat) before the client assumes it missed
    /// something and revalidates the partition. Default 3 s: three of the silos' default heartbeat intervals.
    /// </summary>
    public TimeSpan FeedSilenceTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a batch may be missing while later ones have arrived before the client takes it as lost and revalidates
    /// the partition. Batches come one-way and Orleans reorders bursts by milliseconds; this is the margin. Default 500 ms.
    /// </summary>
    public TimeSpan FeedReorderWindow { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a read waits for its partition's first subscription before reading without caching. Default 5 s.</summary>
    public TimeSpan FeedSubscribeWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the client keeps sending an operation again after failures that mean it did not run or may be retried
    /// safely (the key's silo died, a stale activation was refused, the cluster was briefly unreachable). Every cache
    /// operation is idempotent, so a failover is invisible to callers within this time. Default 15 s.
    /// </summary>
    public TimeSpan RetryTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
