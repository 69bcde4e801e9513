using OrleansCache.TestSupport.Staleness;
using ZiggyCreatures.Caching.Fusion;

namespace OrleansCache.Benchmarks.Peers;

/// <summary>A FusionCache instance (L1, Redis L2, backplane) as one application instance of P9's workload.</summary>
internal sealed class FusionCacheVersionedCache(IFusionCache cache) : IVersionedCache
{
    public Task WriteAsync(string key, long version, CancellationToken cancellationToken) => cache.SetAsync(key, version, token: cancellationToken).AsTask();

    public async ValueTask<long?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var found = await cache.TryGetAsync<long>(key, token: cancellationToken);
        return found.HasValue ? found.Value : null;
    }
}
