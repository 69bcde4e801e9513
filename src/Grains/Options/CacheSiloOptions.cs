namespace OrleansCache.Grains;

/// <summary>Limits the cache enforces on the silo. Bound from the <c>Cache</c> configuration section.</summary>
public sealed class CacheSiloOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Cache";

    /// <summary>The longest key accepted. Default 1,024 characters.</summary>
    public int MaxKeyLength { get; set; } = 1024;

    /// <summary>The largest value accepted. Default 4 MiB.</summary>
    public int MaxValueBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The most keys a gateway tracks for one client. Past it, the gateway stops tracking the oldest-seen keys and
    /// tells the client to drop them, so nothing the client holds goes untracked. Default 1,000,000.
    /// </summary>
    public int MaxTrackedKeysPerClient { get; set; } = 1_000_000;

    /// <summary>The most entries the in-memory storage of one silo keeps; past it the oldest are evicted. Default 1,000,000.</summary>
    public int InMemoryMaxEntries { get; set; } = 1_000_000;

    /// <summary>How often the in-memory storage drops expired entries. Default 1 min.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many keys a pattern or tag invalidation invalidates at once on each silo. Default 64.</summary>
    public int InvalidationConcurrency { get; set; } = 64;
}
