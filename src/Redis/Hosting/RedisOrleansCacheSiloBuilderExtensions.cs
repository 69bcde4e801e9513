using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCache.Grains;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Storage;
using OrleansCache.Redis;
using OrleansCache.Redis.Bridge;
using OrleansCache.Redis.Connection;
using OrleansCache.Redis.Diagnostics;
using OrleansCache.Redis.Storage;

namespace Orleans.Hosting;

/// <summary>Redis for the cache: durable entry storage and the invalidation bridge for non-.NET services.</summary>
/// <remarks>
/// Both share the silo's one Redis connection, configured by the <c>Redis</c> section and by any of these methods'
/// delegates (applied after the section). For cluster membership in Redis use Orleans' own <c>UseRedisClustering</c>.
/// </remarks>
public static class RedisOrleansCacheSiloBuilderExtensions
{
    /// <summary>
    /// Stores cache entries in Redis: an acknowledged write survives its silo's crash, each entry carries its own TTL
    /// into Redis, and a late change from a stale activation is refused (fenced by activation epochs Redis issues).
    /// </summary>
    /// <example>
    /// <code>
    /// silo.UseRedisClustering(o => o.ConfigurationOptions = redis)
    ///     .AddOrleansCache(cache => cache.UseRedisStorage(o => o.ConnectionString = "redis.internal:6379"));
    /// </code>
    /// </example>
    public static OrleansCacheSiloBuilder UseRedisStorage(this OrleansCacheSiloBuilder cache, Action<RedisCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        AddConnection(cache, configure);
        cache.Services.RemoveAll<ICacheEntryStorage>();
        cache.Services.AddSingleton<ICacheEntryStorage, RedisCacheEntryStorage>();
        return cache;
    }

    /// <summary>Stores cache entries in the Redis at <paramref name="connectionString"/> (StackExchange.Redis syntax).</summary>
    public static OrleansCacheSiloBuilder UseRedisStorage(this OrleansCacheSiloBuilder cache, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return cache.UseRedisStorage(o => o.ConnectionString = connectionString);
    }

    /// <summary>Configures the silo's Redis connection, e.g. for a bridge in a silo that keeps entries in memory.</summary>
    public static OrleansCacheSiloBuilder ConfigureRedis(this OrleansCacheSiloBuilder cache, Action<RedisCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(configure);
        AddConnection(cache, configure);
        return cache;
    }

    /// <summary>
    /// Lets non-.NET services invalidate the cache through Redis (canonical JSON and typed events on channels, keyspace
    /// notifications, a Redis Stream read through a consumer group) and hear of its invalidations (an outbound channel).
    /// Options bind from the <c>RedisBridge</c> section, then <paramref name="configure"/>; unusable settings stop the
    /// silo at startup. Message formats: docs/wire-format.md.
    /// </summary>
    public static OrleansCacheSiloBuilder AddRedisInvalidationBridge(this OrleansCacheSiloBuilder cache, Action<RedisBridgeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        AddConnection(cache, configure: null);
        var services = cache.Services;
        if (!services.Any(d => d.ServiceType == typeof(BridgeMarker)))
        {
            services.AddSingleton<BridgeMarker>();
            ValidatedOptions.Add<RedisBridgeOptions, RedisBridgeOptionsValidator>(cache.Services, cache.Configuration, RedisBridgeOptions.SectionName);
            services.TryAddSingleton<BridgeSettings>();
            services.TryAddSingleton<ApplyOnceRouter>();
            services.TryAddSingleton<RejectionLog>();
            services.TryAddSingleton<BridgeApplier>();
            services.TryAddSingleton<InboundBridge>();
            services.TryAddSingleton<StreamIngest>();
            services.TryAddSingleton<OutboundBridge>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ApplyOnceRouter>());
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<InboundBridge>());
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<StreamIngest>());
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<OutboundBridge>());
            services.AddSingleton<ICacheInvalidationObserver>(sp => sp.GetRequiredService<OutboundBridge>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return cache;
    }

    private static void AddConnection(OrleansCacheSiloBuilder cache, Action<RedisCacheOptions>? configure)
    {
        var services = cache.Services;
        if (!services.Any(d => d.ServiceType == typeof(ConnectionMarker)))
        {
            services.AddSingleton<ConnectionMarker>();
            ValidatedOptions.Add<RedisCacheOptions, RedisCacheOptionsValidator>(cache.Services, cache.Configuration, RedisCacheOptions.SectionName);
            services.ConfigureFormatter<RedisCacheOptions>();
            services.TryAddSingleton<RedisConnection>();
            services.TryAddSingleton<RedisMetrics>();
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }
    }

    /// <summary>Registered once, so that calling these methods twice registers nothing twice.</summary>
    private sealed class ConnectionMarker;

    /// <summary>Registered once, so that calling <see cref="AddRedisInvalidationBridge"/> twice registers nothing twice.</summary>
    private sealed class BridgeMarker;
}
