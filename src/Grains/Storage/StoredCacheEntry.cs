using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Storage;

/// <summary>A cache entry as storage keeps it.</summary>
[GenerateSerializer, Immutable, Alias("oc.StoredCacheEntry")]
public sealed record StoredCacheEntry(
    [property: Id(0)] byte[] Value,
    [property: Id(1)] CacheVersion Version,
    [property: Id(2)] DateTimeOffset? ExpiresAt,
    [property: Id(3)] IReadOnlyList<string> Tags);
