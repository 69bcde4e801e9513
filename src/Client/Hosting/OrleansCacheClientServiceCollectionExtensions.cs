using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using OrleansCache.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a cache client with an Orleans client of its own.</summary>
public static class OrleansCacheClientServiceCollectionExtensions
{
    /// <summary>The client's response timeout: long enough for a slow call, short enough that a call to a crashed silo fails in seconds.</summary>
    public static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often the client refreshes its gateway list (Orleans' default is 1 min): a new silo is used within seconds.</summary>
    public static readonly TimeSpan DefaultGatewayListRefreshPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds <see cref="IOrleansCache"/> and <see cref="IDistributedCache"/> with an Orleans client that the host starts
    /// and stops. The client finds the cluster through <see cref="OrleansCacheClientOptions.Gateways"/> (default
    /// <c>localhost:30000</c>), unless <paramref name="configureClient"/> configures clustering itself (e.g.
    /// <c>UseRedisClustering</c>). Calls to a crashed silo fail within
    /// <see cref="DefaultResponseTimeout"/>, and new silos are found within <see cref="DefaultGatewayListRefreshPeriod"/>.
    /// Grain call spans between the cache's own spans need Orleans' activity propagation, which an application that
    /// traces turns on in <paramref name="configureClient"/> (<c>client.AddActivityPropagation()</c>; docs/metrics.md).
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
    public static IServiceCollection AddOrleansCacheClient(this IServiceCollection services, Action<OrleansCacheClientOptions>? configure = null, Action<IClientBuilder>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // The gateways decide how the client finds the cluster, so they are read here, once.
        var probe = new OrleansCacheClientOptions();
        configure?.Invoke(probe);
        services.AddOrleansClient(client =>
        {
            client.AddOrleansCache(configure);
            client.Services.AddOptions<ClusterOptions>().Configure<IOptions<OrleansCacheClientOptions>>((cluster, cache) =>
            {
                cluster.ClusterId = cache.Value.ClusterId;
                cluster.ServiceId = cache.Value.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = DefaultResponseTimeout);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = DefaultGatewayListRefreshPeriod);
            configureClient?.Invoke(client);

            // The configured gateways, or localhost:30000 unless the application chose how to find the cluster (a
            // configureClient that only adds, say, activity propagation keeps the default).
            if (probe.Gateways.Count > 0 || !client.Services.Any(s => s.ServiceType == typeof(IGatewayListProvider)))
            {
                client.UseStaticClustering(gateways => gateways.Configure<IOptions<OrleansCacheClientOptions>>((o, cache) =>
                {
                    IEnumerable<string> configured = cache.Value.Gateways.Count > 0 ? cache.Value.Gateways : ["localhost:30000"];
                    o.Gateways = [.. GatewayEndpoints.Resolve(configured).Select(e => e.ToGatewayUri())];
                }));
            }
        });

        return services;
    }
}
