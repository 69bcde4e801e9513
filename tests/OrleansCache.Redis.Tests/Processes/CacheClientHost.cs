using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
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
    private readonly FakeLogCollector _logs;

    private CacheClientHost(IHost host, FakeLogCollector logs)
    {
        _host = host;
        _logs = logs;
    }

    /// <summary>The cache, as the application gets it from DI.</summary>
    public IOrleansCache Cache => _host.Services.GetRequiredService<IOrleansCache>();

    /// <summary>The Orleans client underneath (grain calls, the management grain).</summary>
    public IClusterClient Cluster => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts a client of the cluster <paramref name="clusterId"/> through <paramref name="gateways"/>.</summary>
    public static async Task<CacheClientHost> StartAsync(string clusterId, IEnumerable<string> gateways, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var logs = new FakeLogCollector();
        builder.Logging.ClearProviders().AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Information).AddFilter("Orleans", LogLevel.Warning);
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
            return new CacheClientHost(host, logs);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>True if the near-cache holds a copy of <paramref name="key"/> it would serve now.</summary>
    public bool Serves(string key) => ((Client.Caching.CacheClient)Cache).NearCache.TryGet(key, out _);

    /// <summary>The client's last <paramref name="count"/> log lines, for failure messages.</summary>
    public string RecentLog(int count = 20) =>
        string.Join(Environment.NewLine, _logs.GetSnapshot().TakeLast(count).Select(r => $"{r.Timestamp:HH:mm:ss.fff} {r.Level} {r.Category}: {r.Message}"));

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
