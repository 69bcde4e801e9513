using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
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
    /// <c>UseRedisClustering</c>) or adds TLS (<c>UseTls</c>). Calls to a crashed silo fail within
    /// <see cref="DefaultResponseTimeout"/>, and new silos are found within <see cref="DefaultGatewayListRefreshPeriod"/>.
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
        var useGateways = probe.Gateways.Count > 0 || configureClient is null;
        services.AddOrleansClient(client =>
        {
            // Grain call spans (only while something listens): a traced write links the client, the grain and the
            // clients it invalidated (OrleansCacheTelemetry).
            client.AddActivityPropagation();
            client.AddOrleansCache(configure);
            client.Services.AddOptions<ClusterOptions>().Configure<IOptions<OrleansCacheClientOptions>>((cluster, cache) =>
            {
                cluster.ClusterId = cache.Value.ClusterId;
                cluster.ServiceId = cache.Value.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = DefaultResponseTimeout);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = DefaultGatewayListRefreshPeriod);
            if (useGateways)
            {
                client.UseStaticClustering(gateways => gateways.Configure<IOptions<OrleansCacheClientOptions>>((o, cache) =>
                {
                    IEnumerable<string> configured = cache.Value.Gateways.Count > 0 ? cache.Value.Gateways : ["localhost:30000"];
                    o.Gateways = [.. GatewayEndpoints.Resolve(configured).Select(e => e.ToGatewayUri())];
                }));
            }

            configureClient?.Invoke(client);
        });

        return services;
    }
}
