using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCache.Grains;
using OrleansCache.Grains.Connections;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Management;
using OrleansCache.Grains.Membership;
using OrleansCache.Grains.Placement;
using OrleansCache.Grains.Storage;
using OrleansCache.Grains.Streams;

namespace Orleans.Hosting;

/// <summary>Adds the cache to an Orleans silo.</summary>
public static class OrleansCacheSiloBuilderExtensions
{
    /// <summary>
    /// Hosts the cache in this silo: the cache-entry grains, the partition feeds that push invalidations to clients, the
    /// coordinator for pattern, tag and batch operations, partition placement, metrics (meter <c>OrleansCache.Cache</c>), each
    /// silo's figures for operators (<c>ICacheClusterGrain</c>), and in-memory entry storage unless <paramref name="configure"/> chooses another (e.g. Redis). Options bind from
    /// the <c>Cache</c> configuration section and are validated when the silo starts.
    /// </summary>
    /// <remarks>
    /// Grains of the application use the cache through <see cref="OrleansCache.Client.IOrleansCache"/>, registered here
    /// too: a near-cache in the silo, kept coherent like any client's (it subscribes to the feeds on first use).
    /// </remarks>
    /// <example>
    /// <code>
    /// builder.UseOrleans(silo => silo.UseLocalhostClustering().AddOrleansCache());
    /// </code>
    /// </example>
    public static ISiloBuilder AddOrleansCache(this ISiloBuilder builder, Action<OrleansCacheSiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(CacheMarker)))
        {
            services.AddSingleton<CacheMarker>();
            services.AddPlacementDirector<CachePartitionPlacement, CachePartitionPlacementDirector>();
            services.AddPlacementDirector<NamedSiloPlacement, NamedSiloPlacementDirector>();
            ValidatedOptions.Add<CacheSiloOptions, CacheSiloOptionsValidator>(services, builder.Configuration, CacheSiloOptions.SectionName);
            services.TryAddSingleton<CacheSiloMetrics>();
            services.TryAddSingleton(sp => new OrleansCache.Client.Caching.CacheGrainReferences(sp.GetRequiredService<IGrainFactory>()));
            services.TryAddSingleton<InvalidationPublisher>();

            // Invalidations on the application's Orleans streams: registered always, publishing only once configured.
            ValidatedOptions.Add<CacheStreamOptions, CacheStreamOptionsValidator>(services, builder.Configuration, CacheStreamOptions.SectionName);
            services.TryAddSingleton<InvalidationStreamPublisher>();
            services.AddSingleton<ICacheInvalidationObserver>(sp => sp.GetRequiredService<InvalidationStreamPublisher>());
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<InvalidationStreamPublisher>());

            // Per-silo figures for ICacheClusterGrain (the dashboard, orleans-cache stats).
            services.TryAddSingleton<SiloMetricsCollector>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloMetricsCollector>());
            // Entries serve nothing from memory after the process stood still until the membership shows this silo alive.
            services.TryAddSingleton<SiloStallFence>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloStallFence>());
            // A silo whose membership table lost its row (the table's store came back empty) stops, to be started again.
            services.TryAddSingleton<MembershipTableLossWatch>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<MembershipTableLossWatch>());
            services.TryAddSingleton<CacheEntryActivationCounter>();
            services.AddSingleton<IConfigureGrainContextProvider>(sp => sp.GetRequiredService<CacheEntryActivationCounter>());
            OrleansCache.Client.Hosting.CacheClientServices.Add(services, configure: null);

            // Idle and half-open connections on the silo and gateway ports are closed (G8). Post-configured, so it is
            // the innermost middleware: after TLS, whichever order the application configured things in.
            services.TryAddSingleton<ConnectionPreambleGuard>();
            services.AddOptions<SiloConnectionOptions>().PostConfigure<ConnectionPreambleGuard>((connections, guard) =>
            {
                connections.ConfigureSiloInboundConnection(b => b.Use(guard.For("silo")));
                connections.ConfigureGatewayInboundConnection(b => b.Use(guard.For("gateway")));
            });
        }

        configure?.Invoke(new OrleansCacheSiloBuilder(builder));

        // Last, so that storage chosen by configure wins.
        services.TryAddSingleton<ICacheEntryStorage, InMemoryCacheEntryStorage>();
        return builder;
    }

    /// <summary>Registered once, so that calling <see cref="AddOrleansCache"/> twice registers nothing twice.</summary>
    private sealed class CacheMarker;
}
