using OrleansCache.Client;
using OrleansCache.Client.Caching;
using OrleansCache.Client.NearCaching;

namespace OrleansCache.Cache.Tests.Infrastructure;

/// <summary>Reaches into a cache client for what tests must see but users need not.</summary>
internal static class CacheInternals
{
    public static OrleansCacheClient Impl(this IOrleansCacheClient cache) => (OrleansCacheClient)cache;

    public static NearCache Near(this IOrleansCacheClient cache) => cache.Impl().NearCache;

    public static ClusterClient Connection(this IOrleansCacheClient cache) => (ClusterClient)cache.Cluster;

    /// <summary>True if the near-cache would serve <paramref name="key"/> now.</summary>
    public static bool Serves(this IOrleansCacheClient cache, string key) => cache.Near().TryGet(key, out _);

    /// <summary>Completes with (kept, dropped) of the next revalidation.</summary>
    public static Task<(int Kept, int Dropped)> NextRevalidationAsync(this IOrleansCacheClient cache)
    {
        var done = new TaskCompletionSource<(int, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRevalidated(int kept, int dropped)
        {
            cache.Impl().Revalidated -= OnRevalidated;
            done.TrySetResult((kept, dropped));
        }

        cache.Impl().Revalidated += OnRevalidated;
        return done.Task.WaitAsync(Watch.Timeout);
    }
}
