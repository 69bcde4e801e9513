using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansCache.Client;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>A cache client as applications build one (<c>AddOrleansCacheClient</c> in a host of its own), on chosen gateways.</summary>
internal sealed class BenchClient : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchClient(IHost host)
    {
        _host = host;
    }

    public IOrleansCache Cache => _host.Services.GetRequiredService<IOrleansCache>();

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts a client of <paramref name="gateways"/> (all the cluster's when null).</summary>
    public static async Task<BenchClient> StartAsync(IBenchCluster cluster, IEnumerable<BenchSilo>? gateways = null, Action<OrleansCacheClientOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansCacheClient(o =>
        {
            foreach (var silo in gateways ?? cluster.Silos)
            {
                o.Gateways.Add(silo.Gateway);
            }

            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
            configure?.Invoke(o);
        });
        var host = builder.Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await host.StartAsync(timeout.Token);
            return new BenchClient(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public static async Task<List<BenchClient>> StartManyAsync(IBenchCluster cluster, int count, Action<OrleansCacheClientOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var clients = new List<BenchClient>();
        for (var i = 0; i < count; i++)
        {
            clients.Add(await StartAsync(cluster, configure: configure, cancellationToken: cancellationToken));
        }

        return clients;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposing anyway.
        }

        _host.Dispose();
    }
}
