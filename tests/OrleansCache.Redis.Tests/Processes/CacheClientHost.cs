using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Client;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>
/// A cache client as an application builds one: <c>services.AddOrleansCacheClient(...)</c> in a host of its own, with
/// a real Orleans client connected to the silo processes' gateways.
/// </summary>
internal sealed class CacheClientHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly IHost _host;

    private CacheClientHost(IHost host)
    {
        _host = host;
    }

    /// <summary>The cache, as the application gets it from DI.</summary>
    public IOrleansCache Cache => _host.Services.GetRequiredService<IOrleansCache>();

    /// <summary>The Orleans client underneath (grain calls, the management grain).</summary>
    public IClusterClient Cluster => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts a client of the cluster <paramref name="clusterId"/> through <paramref name="gateways"/>.</summary>
    public static async Task<CacheClientHost> StartAsync(string clusterId, IEnumerable<string> gateways, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOrleansCacheClient(o =>
        {
            o.ClusterId = clusterId;
            foreach (var gateway in gateways)
            {
                o.Gateways.Add(gateway);
            }
        });
        var host = builder.Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            await host.StartAsync(timeout.Token);
            return new CacheClientHost(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>True if the near-cache holds a copy of <paramref name="key"/> it would serve now.</summary>
    public bool Serves(string key) => ((Client.Caching.CacheClient)Cache).NearCache.TryGet(key, out _);

    public async ValueTask DisposeAsync()
    {
        // A client of a cluster whose silos were killed may take long to say goodbye: bounded, then disposed anyway.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposed below regardless.
        }

        _host.Dispose();
    }
}
