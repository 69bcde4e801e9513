using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using System.Text;
using OrleansCache.Client.Caching;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;

namespace OrleansCache.FaultInjection.Cluster;

/// <summary>
/// A real cache client as a service builds it (<c>AddOrleansCacheClient</c>, in a host of its own), finding the
/// gateways through Orleans' Redis clustering, with a connection switch the runner can cut.
/// </summary>
internal sealed class FaultClient : IWorkloadClient, IGetOrCreateClient, IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ClientConnectionSwitch _connection;
    private readonly ConnectionGate _gate;

    private FaultClient(int number, IHost host, ClientConnectionSwitch connection, ConnectionGate gate)
    {
        Number = number;
        _host = host;
        _connection = connection;
        _gate = gate;
    }

    public int Number { get; }

    /// <summary>The client's cache, with the versioned internals the history records.</summary>
    internal CacheClient Cache => _host.Services.GetRequiredService<CacheClient>();

    public IClusterClient Orleans => _host.Services.GetRequiredService<IClusterClient>();

    /// <param name="log">Where the client's log goes (its feeds' and connections' events), or nowhere.</param>
    public static async Task<FaultClient> StartAsync(int number, string redis, string clusterId, string serviceId, ILoggerProvider? log, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (log is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(log);
        }

        var connection = new ClientConnectionSwitch();
        var gate = new ConnectionGate();
        builder.Services.AddOrleansCacheClient(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        }, client =>
        {
            client.UseRedisClustering(redis);
            client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(c => c.Use(connection.Use).Use(gate.Use)));
            // Replacement silos come on new ports: learn them quickly.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return new FaultClient(number, host, connection, gate);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async Task<WorkloadRead> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var (found, bytes, version) = await Cache.TryGetVersionedAsync(key, cancellationToken).ConfigureAwait(false);
        return new WorkloadRead(found, found && bytes is not null ? Encoding.UTF8.GetString(bytes) : null, version);
    }

    public Task<CacheVersion> WriteAsync(string key, string value, CancellationToken cancellationToken) =>
        Cache.SetBytesAsync(key, Encoding.UTF8.GetBytes(value), null, cancellationToken);

    public Task<string> GetOrCreateAsync(string key, Func<CancellationToken, Task<string>> factory, CancellationToken cancellationToken) =>
        Cache.GetOrCreateAsync(key, factory, null, cancellationToken);

    public Task<CacheVersion> InvalidateAsync(string key, CancellationToken cancellationToken) => Cache.InvalidateVersionedAsync(key, cancellationToken);

    public Task InvalidateByPatternAsync(string pattern, CancellationToken cancellationToken) => Cache.InvalidateByPatternAsync(pattern, cancellationToken);

    /// <summary>Every connection to every gateway drops and new ones fail, as on a network failure.</summary>
    public void Cut() => _connection.Cut();

    public void Restore() => _connection.Restore();

    /// <summary>Every connection stays open but carries nothing, either way, until <see cref="Unstall"/>.</summary>
    public void Stall() => _gate.Stall();

    /// <summary>Every connection carries its bytes late (see <see cref="ConnectionGate.Delay"/>) until <see cref="Unstall"/>.</summary>
    public void Delay(TimeSpan delay) => _gate.Delay(delay);

    /// <summary>Bytes pass as they come again, those held first.</summary>
    public void Unstall() => _gate.Open();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"client {Number}");

    public async ValueTask DisposeAsync()
    {
        _connection.Restore();
        _gate.Open();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposing anyway.
        }

        _host.Dispose();
    }
}
