using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.NearCaching;

/// <summary>
/// A remote read or write in flight for one key. Invalidations that arrive meanwhile raise its minimum version; the
/// result is inserted only if it is at least that new (G5: a read never caches a value an invalidation overtook).
/// </summary>
internal sealed class FillTicket(string key, int partition, TimeSpan? localTtl = null)
{
    public string Key { get; } = key;

    /// <summary>The key's partition (<see cref="CachePartitions"/>).</summary>
    public int Partition { get; } = partition;

    /// <summary>The longest the result may stay in the near-cache (within the near-cache's own limit); null: that limit.</summary>
    public TimeSpan? LocalTtl { get; } = localTtl;

    /// <summary>The oldest version the result may have to be cached; <see cref="CacheVersion.Max"/> voids it. Guarded by the near-cache's lock.</summary>
    public CacheVersion MinVersion { get; set; } = CacheVersion.None;
}
