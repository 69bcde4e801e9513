using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace OrleansCache.Cli.Connection;

/// <summary>What the tool adds to the Orleans client that <c>AddOrleansCacheClient</c> builds.</summary>
internal static class ClientBuilderSetup
{
    /// <summary>
    /// Gives up at the first failed connection attempt (Orleans' client otherwise retries for ever), bounds each call by
    /// <paramref name="callTimeout"/>, finds the gateways in Redis if asked, and connects over TLS if asked.
    /// </summary>
    public static void Configure(IClientBuilder client, ConnectionSettings settings, TimeSpan callTimeout, ClientTls? tls)
    {
        client.UseConnectionRetryFilter(static (_, _) => Task.FromResult(false));
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = callTimeout);
        if (settings.Redis is { } redis)
        {
            var configuration = RedisClustering.Configuration(redis, settings.Timeout);
            client.UseRedisClustering(o => o.ConfigurationOptions = configuration);
        }

        if (tls is not null)
        {
            client.UseTls(tls.Apply);
        }
    }
}
