using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansCache.Benchmarks.Peers;

/// <summary>
/// One application instance using Microsoft's HybridCache: memory L1 and, with Redis, the Redis distributed cache as L2
/// (HybridCache has no cross-instance L1 invalidation).
/// </summary>
internal sealed class HybridCacheNode : IDisposable
{
    private readonly ServiceProvider _services;

    private HybridCacheNode(ServiceProvider services)
    {
        _services = services;
        Cache = services.GetRequiredService<HybridCache>();
    }

    public HybridCache Cache { get; }

    public static HybridCacheNode Create(string? redisConnection)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (redisConnection is not null)
        {
            services.AddStackExchangeRedisCache(o => o.Configuration = redisConnection);
        }

        services.AddMemoryCache(o => o.SizeLimit = null);
        services.AddHybridCache(o =>
        {
            o.MaximumPayloadBytes = 4 * 1024 * 1024;
            o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(30), LocalCacheExpiration = TimeSpan.FromMinutes(30) };
        });
        return new HybridCacheNode(services.BuildServiceProvider());
    }

    public void Dispose() => _services.Dispose();
}
