using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Silo.Options;
using OrleansCache.Silo.Security;

namespace OrleansCache.Silo.Hosting;

/// <summary>
/// Reports the silo once everything has started, and on a stop makes the silo leave the cluster first, while the HTTP
/// endpoints still answer (<c>/readyz</c> says 503 throughout), then lets the host stop the rest.
/// </summary>
/// <remarks>
/// The web host stops its server before the services registered ahead of it, so without this the HTTP port would close
/// the moment a stop begins, and a load balancer would see refused connections instead of "not ready" while the silo
/// hands its grains over. Orleans' own stop of the silo afterwards finds it stopped and returns.
/// </remarks>
internal sealed partial class SiloHostLifetime(
    IServiceProvider services,
    SiloHostState state,
    IOptions<SiloHostOptions> silo,
    IOptions<RedisSettings> redis,
    IOptions<OrleansCache.Redis.RedisCacheOptions> redisCache,
    IOptions<TlsSettings> tls,
    IOptions<HttpEndpointOptions> http,
    ILogger<SiloHostLifetime> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return Task.CompletedTask;
        }

        var options = silo.Value;
        var address = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var clustering = redis.Value.Enabled
            ? $"Redis ({redisCache.Value})"
            : $"localhost, primary silo {SiloEndpoints.PrimarySilo(options)}";
        var security = tls.Value.Enabled
            ? $"on, client certificates {tls.Value.ClientCertificates}, certificate {CertificateFiles.Describe(services.GetRequiredService<SiloCertificate>().Current)}"
            : "off";
        LogStarted(logger, options.EffectiveSiloName, address, options.ClusterId, options.SiloPort, options.GatewayPort, clustering, security);
        if (http.Value.Enabled && services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>() is { } addresses)
        {
            var listening = string.Join(", ", addresses.Addresses);
            LogHttp(logger, listening, http.Value.Dashboard, http.Value.OrleansDashboard, http.Value.Token is not null);
        }

        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.MarkStopping();
        LogStopping(logger);
        var orleans = services.GetRequiredService<Orleans.Runtime.Silo>();
        try
        {
            await orleans.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The silo never reached Running (its start failed): there is nothing to hand over.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        LogStopped(logger, silo.Value.EffectiveSiloName);
        return Task.CompletedTask;
    }
}
