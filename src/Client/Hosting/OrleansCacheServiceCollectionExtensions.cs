using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Client;
using OrleansCache.Client.Caching;
using OrleansCache.Core;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the coherent cache client.</summary>
public static class OrleansCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IOrleansCache"/> (and <see cref="IDistributedCache"/> over it, and the grain-level
    /// <see cref="IClusterClient"/> it uses). The client connects on first use.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddOrleansCacheClient(o =>
    /// {
    ///     o.Gateways.Add("10.0.0.5:30000");
    ///     o.NearCache.MaxEntries = 100_000;
    /// });
    /// </code>
    /// </example>
    public static IServiceCollection AddOrleansCacheClient(this IServiceCollection services, Action<OrleansCacheClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrleansCacheClientOptions>, OrleansCacheClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICacheSerializer, SystemTextJsonCacheSerializer>();
        services.TryAddSingleton(sp => new ClusterClient(
            sp.GetRequiredService<IOptions<OrleansCacheClientOptions>>().Value.Cluster,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IClusterClient>(sp => sp.GetRequiredService<ClusterClient>());
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<ClusterClient>());
        services.TryAddSingleton(sp => new OrleansCacheClient(
            sp.GetRequiredService<ClusterClient>(),
            ownsCluster: false,
            sp.GetRequiredService<IOptions<OrleansCacheClientOptions>>().Value,
            sp.GetRequiredService<ICacheSerializer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IOrleansCache>(sp => sp.GetRequiredService<OrleansCacheClient>());
        services.TryAddSingleton<IDistributedCache>(sp => new OrleansDistributedCache(sp.GetRequiredService<OrleansCacheClient>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
