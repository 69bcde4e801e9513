using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansCache.Grains;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Invalidation;
using OrleansCache.Grains.Storage;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Messaging;
using OrleansCache.Runtime.SiloMessaging;

namespace Microsoft.Extensions.Hosting;

/// <summary>Makes a silo serve the cache.</summary>
public static class CacheSiloBuilderExtensions
{
    /// <summary>
    /// Hosts the cache: cache-entry and coordinator grains, the invalidation stream to clients, and in-memory storage
    /// unless another <see cref="ICacheEntryStorage"/> is registered. Options bind from the <c>Cache</c> section.
    /// </summary>
    public static ISiloBuilder AddCacheGrains(this ISiloBuilder builder, Action<CacheSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(CacheGrainsMarker)))
        {
            if (configure is not null)
            {
                services.Configure(configure);
            }

            return builder;
        }

        services.AddSingleton<CacheGrainsMarker>();
        builder.AddGrain<ICacheEntryGrain, CacheEntryGrain>();
        builder.AddGrain<ICacheCoordinatorGrain, CacheCoordinatorGrain>();
        if (builder.Configuration is not null)
        {
            services.Configure<CacheSiloOptions>(builder.Configuration.GetSection(CacheSiloOptions.SectionName));
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddOptions<CacheSiloOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CacheSiloOptions>, CacheSiloOptionsValidator>());
        services.TryAddSingleton<CacheSiloMetrics>();
        services.TryAddSingleton<InvalidationPublisher>();
        services.TryAddSingleton<InvalidationFanout>();
        services.AddSingleton<ISiloMessageHandler>(sp => sp.GetRequiredService<InvalidationFanout>());
        services.AddSingleton<IClientSessionObserver>(sp => sp.GetRequiredService<InvalidationFanout>());
        services.TryAddSingleton<ICacheEntryStorage, InMemoryCacheEntryStorage>();
        services.AddSingleton<ISystemTarget, CacheIndexTarget>();
        return builder;
    }

    /// <summary>Registered once, so that calling <see cref="AddCacheGrains"/> twice registers nothing twice.</summary>
    private sealed class CacheGrainsMarker;
}
