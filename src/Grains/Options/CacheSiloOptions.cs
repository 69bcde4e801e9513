namespace OrleansCache.Grains;

/// <summary>Limits and timings of the cache on a silo. Bound from the <c>Cache</c> configuration section.</summary>
public sealed class CacheSiloOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Cache";

    /// <summary>The longest key accepted. Default 1,024 characters.</summary>
    public int MaxKeyLength { get; set; } = 1024;

    /// <summary>The largest value accepted. Default 4 MiB.</summary>
    public int MaxValueBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The most keys the feeds track for one client (tracking mode), over all partitions: each partition's feed keeps an
    /// even share of it and an eighth more (keys spread unevenly by hash), at least 100. A subscription that would track
    /// more than its share is ended, and its client subscribes again and revalidates, so nothing it holds goes
    /// untracked. Default 1,000,000.
    /// </summary>
    public int MaxTrackedKeysPerClient { get; set; } = 1_000_000;

    /// <summary>How often a feed sends a subscriber a heartbeat when it has sent it nothing else. Default 1 s.</summary>
    /// <remarks>Clients treat silence of a few intervals as "may have missed an invalidation" (G3).</remarks>
    public TimeSpan FeedHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a feed waits for a client to answer a heartbeat; two failed in a row and the subscriber is let go. Default 10 s.</summary>
    public TimeSpan FeedDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many batches a feed may have sent one subscriber beyond what its last heartbeat confirmed; past it the
    /// subscriber is told to subscribe anew (and revalidates), so a client that cannot keep up costs bounded memory.
    /// Default 100,000.
    /// </summary>
    public int MaxUnconfirmedBatchesPerClient { get; set; } = 100_000;

    /// <summary>The most entries in-memory storage keeps in the cluster; past it the least recently used go first. Default 1,000,000.</summary>
    public int InMemoryMaxEntries { get; set; } = 1_000_000;

    /// <summary>How often in-memory storage drops expired entries and old fences. Default 1 min.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long in-memory storage remembers the latest claim of a key it holds no value for, to refuse a late change
    /// from an older activation. Default 10 min.
    /// </summary>
    public TimeSpan FenceRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many keys a pattern or tag invalidation invalidates at once. Default 64.</summary>
    public int InvalidationConcurrency { get; set; } = 64;

    /// <summary>
    /// Whether a pattern that matches every key (<c>*</c>, <c>**</c>...) is accepted, as an "invalidate all". Default
    /// true; set false to make such a pattern an error, so a typo cannot flush the cache.
    /// </summary>
    public bool AllowMatchAllPattern { get; set; } = true;

    /// <summary>
    /// How long the cluster's figures (<c>ICacheClusterGrain</c>: the dashboard, <c>orleans-cache stats</c>) wait for
    /// each silo's answer; a silo that takes longer is listed with an error instead of holding up the others. Default 2 s.
    /// </summary>
    public TimeSpan SiloStatsTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most metric series (instrument and tag combination) a silo keeps for its figures; measurements of further
    /// series are counted under one more <c>overflow=true</c> series per instrument, so odd tags cannot grow memory.
    /// Default 1,000.
    /// </summary>
    public int MaxStatsSeries { get; set; } = 1000;

    /// <summary>
    /// How long a peer on the silo port or the gateway port may take, once connected (and past TLS, if on), to send
    /// Orleans' connection preamble; a connection that has not sent it by then is closed and counted
    /// (<c>orleanscache.connections.rejected</c>, reason <c>preamble_timeout</c>). Real silos and clients send it at
    /// once. <see cref="Timeout.InfiniteTimeSpan"/> turns the guard off. Default 10 s.
    /// </summary>
    /// <remarks>Orleans itself waits for the preamble forever: without this, idle connections pile up (G8, docs/adr/0060).</remarks>
    public TimeSpan ConnectionPreambleTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
