using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansCache.Core.Membership;
using OrleansCache.Grains.Storage;
using OrleansCache.Grains.Invalidation;
using OrleansCache.Redis;
using OrleansCache.Redis.Bridge;
using OrleansCache.Redis.Connection;
using OrleansCache.Redis.Membership;
using OrleansCache.Redis.Storage;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Management;

namespace Microsoft.Extensions.Hosting;

/// <summary>Redis providers for a silo.</summary>
public static class RedisSiloBuilderExtensions
{
    /// <summary>Keeps cluster membership in Redis, so silo processes on many machines form one cluster.</summary>
    public static ISiloBuilder UseRedisClustering(this ISiloBuilder builder, Action<RedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddRedisConnection(builder, configure);
        builder.Services.RemoveAll<IMembershipTable>();
        builder.Services.AddSingleton<IMembershipTable, RedisMembershipTable>();
        return builder;
    }

    /// <summary>Keeps membership in the Redis at <paramref name="connectionString"/>.</summary>
    public static ISiloBuilder UseRedisClustering(this ISiloBuilder builder, string connectionString) =>
        builder.UseRedisClustering(o => o.ConnectionString = connectionString);

    /// <summary>Stores cache entries in Redis: acknowledged writes survive a silo's crash, and Redis expires them too.</summary>
    public static ISiloBuilder AddRedisCacheStorage(this ISiloBuilder builder, Action<RedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddRedisConnection(builder, configure);
        builder.AddCacheGrains();
        builder.Services.RemoveAll<ICacheEntryStorage>();
        builder.Services.AddSingleton<ICacheEntryStorage, RedisCacheEntryStorage>();
        return builder;
    }

    /// <summary>Stores cache entries in the Redis at <paramref name="connectionString"/>.</summary>
    public static ISiloBuilder AddRedisCacheStorage(this ISiloBuilder builder, string connectionString) =>
        builder.AddRedisCacheStorage(o => o.ConnectionString = connectionString);

    /// <summary>
    /// Lets non-.NET services invalidate the cache through Redis (canonical JSON and typed events on channels, keyspace
    /// notifications) and hear of its invalidations (an outbound channel). Message formats: docs/wire-format.md.
    /// </summary>
    public static ISiloBuilder AddRedisInvalidationBridge(this ISiloBuilder builder, Action<RedisBridgeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddRedisConnection(builder, null);
        builder.AddCacheGrains();
        if (builder.Configuration is not null)
        {
            builder.Services.Configure<RedisBridgeOptions>(builder.Configuration.GetSection(RedisBridgeOptions.SectionName));
        }

        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton<BridgeMetrics>();
        builder.Services.TryAddSingleton<RecentBridgeRejections>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecentRejections, RecentBridgeRejections>(sp => sp.GetRequiredService<RecentBridgeRejections>()));
        builder.Services.TryAddSingleton<InboundBridge>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboundBridge>());
        builder.Services.TryAddSingleton<StreamIngest>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StreamIngest>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICacheInvalidationObserver, OutboundBridge>());
        return builder;
    }

    private static void AddRedisConnection(ISiloBuilder builder, Action<RedisOptions>? configure)
    {
        if (builder.Configuration is not null)
        {
            builder.Services.Configure<RedisOptions>(builder.Configuration.GetSection(RedisOptions.SectionName));
        }

        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.AddOptions<RedisOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
        builder.Services.TryAddSingleton<RedisConnection>();
    }
}
