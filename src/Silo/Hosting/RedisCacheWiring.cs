using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Silo.Http;

namespace OrleansCache.Silo.Hosting;

/// <summary>Where the silo executable hands Redis to the cache: entry storage, and the invalidation bridge when enabled.</summary>
internal static class RedisCacheWiring
{
    /// <summary>The setting that switches the bridge off (<c>--redis-bridge false</c>); unset, the bridge runs with Redis.</summary>
    public const string BridgeEnabledKey = "RedisBridge:Enabled";

    /// <summary>
    /// Called inside <c>AddOrleansCache</c> when <c>Redis:ConnectionString</c> (<c>--redis</c>) is set, after Orleans'
    /// Redis clustering was switched on: cache entries go to Redis (an acknowledged write survives its silo's crash),
    /// and unless <c>RedisBridge:Enabled</c> is false the bridge for non-.NET services starts, configured by the
    /// <c>RedisBridge</c> section (with nothing configured it listens on <c>cache:invalidate</c> and publishes nothing). <c>/readyz</c> then includes Redis storage.
    /// </summary>
    public static void ConfigureRedisCache(OrleansCacheSiloBuilder cache, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(configuration);
        cache.UseRedisStorage();
        if (configuration.GetValue(BridgeEnabledKey, defaultValue: true))
        {
            cache.AddRedisInvalidationBridge();
        }

        cache.Services.AddHealthChecks().AddCheck<RedisStorageHealthCheck>("redis-storage", tags: [OperatorHttp.ReadyTag]);
    }
}
