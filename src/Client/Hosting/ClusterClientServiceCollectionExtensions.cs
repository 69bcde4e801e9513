using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Client;
using OrleansCache.Core;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the cluster client.</summary>
public static class ClusterClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="IClusterClient"/> (also as <see cref="IGrainFactory"/>). It connects on first use;
    /// call <see cref="IClusterClient.ConnectAsync"/> at startup to fail fast when the cluster is unreachable.
    /// </summary>
    public static IServiceCollection AddOrleansCacheClusterClient(this IServiceCollection services, Action<ClusterClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterClientOptions>, ClusterClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IClusterClient>(sp => new ClusterClient(
            sp.GetRequiredService<IOptions<ClusterClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<IClusterClient>());
        return services;
    }
}
