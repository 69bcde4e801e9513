using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Storage;

/// <summary>A cache entry as storage keeps it; <see cref="ETag"/> is set by the storage on read.</summary>
public sealed record StoredCacheEntry(byte[] Value, CacheVersion Version, DateTimeOffset? ExpiresAt, IReadOnlyList<string> Tags)
{
    /// <summary>The stored version's tag for compare-and-set; opaque.</summary>
    public string ETag { get; init; } = string.Empty;
}
