using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansCache.Client;

namespace OrleansCache.Silo.Tests.Infrastructure;

/// <summary>Cache clients as applications build them: <c>AddOrleansCacheClient</c> in a host of their own.</summary>
internal static class Clients
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Starts a client of <paramref name="gateway"/>; <paramref name="configureClient"/> adds TLS and the like. A client
    /// that cannot connect gives up at once (no retry), so a refusal surfaces as one exception.
    /// </summary>
    public static async Task<IHost> StartAsync(string gateway, string clusterId = "dev", Action<IClientBuilder>? configureClient = null, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        }

        builder.Services.AddOrleansCacheClient(o =>
        {
            o.Gateways.Add(gateway);
            o.ClusterId = clusterId;
        }, client =>
        {
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            configureClient?.Invoke(client);
        });
        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public static IOrleansCache Cache(this IHost host) => host.Services.GetRequiredService<IOrleansCache>();

    public static async Task StopQuietlyAsync(this IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposing anyway.
        }

        host.Dispose();
    }
}
