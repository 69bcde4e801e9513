using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Client;
using OrleansCache.Client.Feeds;
using OrleansCache.Client.Hosting;

namespace Orleans.Hosting;

/// <summary>Adds the cache to an application's existing Orleans client.</summary>
public static class OrleansCacheClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IOrleansCache"/> and <see cref="IDistributedCache"/> to this Orleans client: a near-cache kept
    /// coherent by the cluster's invalidation feeds, and the connection signals that tell it when it may have missed an
    /// invalidation. Options bind from the <c>OrleansCache</c> configuration section, then <paramref name="configure"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.UseOrleansClient(client => client.UseRedisClustering(redis).AddOrleansCache(o => o.NearCache.MaxEntries = 100_000));
    /// </code>
    /// </example>
    public static IClientBuilder AddOrleansCache(this IClientBuilder builder, Action<OrleansCacheClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var first = !services.Any(d => d.ServiceType == typeof(OrleansCache.Client.Caching.CacheClient));
        CacheClientServices.Add(services, configure);
        if (first)
        {
            services.AddSingleton<ILifecycleParticipant<IClusterClientLifecycle>, CacheClientLifecycleParticipant<IClusterClientLifecycle>>();
            services.AddSingleton<IClusterConnectionStatusObserver>(sp => new CacheConnectionObserver(sp.GetRequiredService<OrleansCache.Client.Caching.CacheClient>().Feeds));
        }

        return builder;
    }
}
