using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;
using OrleansCache.Client;
using OrleansCache.Client.Caching;

namespace OrleansCache.TestingHost;

/// <summary>
/// One client of a test cluster: a real Orleans client in a host of its own, connected through the silos' gateways,
/// with its own near-cache.
/// </summary>
public sealed class OrleansCacheTestClient : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ClientConnectionSwitch _connection;
    private int _stopped;

    internal OrleansCacheTestClient(IHost host, string name, ClientConnectionSwitch connection)
    {
        _host = host;
        _connection = connection;
        Name = name;
    }

    /// <summary>A name for messages (client-0, client-1...).</summary>
    public string Name { get; }

    /// <summary>The cache, as an application would use it.</summary>
    public IOrleansCache Cache => Services.GetRequiredService<IOrleansCache>();

    /// <summary>The Orleans client underneath, for grain calls.</summary>
    public IClusterClient Client => Services.GetRequiredService<IClusterClient>();

    /// <summary>The client host's services.</summary>
    public IServiceProvider Services => _host.Services;

    internal CacheClient CacheClient => Services.GetRequiredService<CacheClient>();

    /// <summary>
    /// Cuts this client off from the cluster (every connection to every gateway drops, new ones fail), as a network
    /// failure would; the client and the silos keep running.
    /// </summary>
    public void CutConnection() => _connection.Cut();

    /// <summary>Lets this client connect again; it reconnects by itself.</summary>
    public void RestoreConnection() => _connection.Restore();

    /// <summary>
    /// Lets this client connect again, but only through <paramref name="silo"/>'s gateway: connections to the others
    /// keep failing, as if only that one could be reached.
    /// </summary>
    public void RestoreConnectionOnlyTo(SiloHandle silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        _connection.Restore(silo.GatewayAddress.Endpoint);
    }

    /// <summary>The gateways (their endpoints) this client is connected to now.</summary>
    public IReadOnlyCollection<System.Net.EndPoint> ConnectedGateways => _connection.ConnectedGateways();

    /// <summary>Stops the client gracefully: it unsubscribes from the feeds and closes its connections.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _host.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposing anyway.
        }

        _host.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
