using Microsoft.Extensions.Caching.Hybrid;
using OrleansCache.TestSupport.Staleness;

namespace OrleansCache.Benchmarks.Peers;

/// <summary>
/// A HybridCache instance (memory L1, Redis L2) as one application instance of P9's workload. HybridCache has no read
/// without a factory; with the underlying data disabled it returns what L1 or L2 hold, or the default (null).
/// </summary>
internal sealed class HybridCacheVersionedCache(HybridCache cache) : IVersionedCache
{
    private static readonly HybridCacheEntryOptions ReadOnly = new() { Flags = HybridCacheEntryFlags.DisableUnderlyingData };

    public Task WriteAsync(string key, long version, CancellationToken cancellationToken) => cache.SetAsync<long?>(key, version, cancellationToken: cancellationToken).AsTask();

    public ValueTask<long?> ReadAsync(string key, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync<long?>(key, _ => ValueTask.FromResult<long?>(null), ReadOnly, cancellationToken: cancellationToken);
}
