using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace OrleansCache.Benchmarks.Peers;

/// <summary>
/// One application instance using FusionCache as teams set it up: memory L1, the Redis distributed cache as L2, and the
/// Redis backplane that evicts other instances' L1 copies (each instance its own Redis connections).
/// </summary>
internal sealed class FusionCacheNode : IDisposable
{
    private readonly RedisCache? _distributed;

    private FusionCacheNode(FusionCache cache, RedisCache? distributed)
    {
        Cache = cache;
        _distributed = distributed;
    }

    public FusionCache Cache { get; }

    /// <summary>An instance with L1 only (for the hit path and memory figures).</summary>
    public static FusionCacheNode MemoryOnly() => new(new FusionCache(Options("bench-l1")), null);

    /// <summary>An instance with L1, Redis L2 and the Redis backplane; instances with the same <paramref name="name"/> hear each other.</summary>
    public static FusionCacheNode WithRedis(string redisConnection, string name)
    {
        var cache = new FusionCache(Options(name));
        var distributed = new RedisCache(Microsoft.Extensions.Options.Options.Create(new RedisCacheOptions { Configuration = redisConnection, InstanceName = name + ":" }));
        cache.SetupDistributedCache(distributed, new FusionCacheSystemTextJsonSerializer());
        cache.SetupBackplane(new RedisBackplane(Microsoft.Extensions.Options.Options.Create(new RedisBackplaneOptions { Configuration = redisConnection })));
        return new FusionCacheNode(cache, distributed);
    }

    public static List<FusionCacheNode> ManyWithRedis(string redisConnection, string name, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => WithRedis(redisConnection, name))];

    public void Dispose()
    {
        Cache.Dispose();
        _distributed?.Dispose();
    }

    private static FusionCacheOptions Options(string name) => new()
    {
        CacheName = name,
        DefaultEntryOptions = new FusionCacheEntryOptions { Duration = TimeSpan.FromMinutes(30) },
    };
}
