namespace OrleansCache.Client;

/// <summary>The client's local copy of cache entries.</summary>
public sealed class NearCacheOptions
{
    /// <summary>The most entries kept; past it the least recently used go first. Default 100,000.</summary>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>The longest an entry is kept locally, even if its cluster TTL is longer or it has none. Default 5 min.</summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromMinutes(5);
}
