using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.TestingHost;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Placement;

namespace OrleansCache.TestingHost;

/// <summary>
/// A cluster of silos in this process with the cache configured, and any number of clients, each a real Orleans client
/// connected over TCP on loopback. Built on Orleans' <see cref="TestCluster"/>; silos share an in-memory membership
/// table with no primary silo, so any silo can be stopped, killed or restarted.
/// </summary>
/// <remarks>
/// <para>
/// What <see cref="KillSiloAsync"/> simulates: a silo that stops at once, without handing over its grains or telling
/// the others it is leaving; its grains and feeds are gone, calls to it fail, and clients lose its gateway. What it does
/// not: a real crash. The killed silo's host still runs Orleans' shutdown with a cancelled token, so it marks itself
/// dead in the membership table and its sockets close cleanly (the others learn within ~100 ms instead of by missed
/// probes), and nothing of the process is frozen (a paused or partitioned silo is not simulated either). Tests of real
/// crashes and of failure detection run silo processes (<c>kill -9</c>).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var cluster = await OrleansCacheTestCluster.StartAsync(silos: 3);
/// var other = await cluster.CreateClientAsync();
/// await cluster.Cache.SetAsync("user:1", "Ada");
/// await cluster.KillSiloAsync(cluster.OwnerOf("user:1"));
/// </code>
/// </example>
public sealed class OrleansCacheTestCluster : IAsyncDisposable
{
    private readonly InMemoryMembershipTable _membership = new();
    private readonly List<OrleansCacheTestClient> _clients = [];
    private readonly Lock _lock = new();
    private OrleansCacheTestClient? _defaultClient;

    private OrleansCacheTestCluster(OrleansCacheTestClusterOptions options)
    {
        Options = options;
        var builder = new TestClusterBuilder((short)options.InitialSilos);
        builder.Options.InitializeClientOnDeploy = false;
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConfigureFileLogging = false;
        builder.CreateSiloAsync = (name, configuration) => CreateSiloAsync(name, configuration);
        Cluster = builder.Build();
    }

    /// <summary>How the cluster was built.</summary>
    public OrleansCacheTestClusterOptions Options { get; }

    /// <summary>Orleans' test cluster underneath, for what this class does not cover.</summary>
    public TestCluster Cluster { get; }

    /// <summary>The client connected when the cluster started.</summary>
    public OrleansCacheTestClient DefaultClient => _defaultClient ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>The cache of <see cref="DefaultClient"/>.</summary>
    public IOrleansCache Cache => DefaultClient.Cache;

    /// <summary>The Orleans client of <see cref="DefaultClient"/>.</summary>
    public IClusterClient Client => DefaultClient.Client;

    /// <summary>The silos running now.</summary>
    public IReadOnlyList<SiloHandle> Silos => [.. Cluster.GetActiveSilos()];

    /// <summary>The cluster's id (silos and clients share it).</summary>
    public string ClusterId => Cluster.Options.ClusterId;

    /// <summary>The cluster's service id (silos and clients share it).</summary>
    public string ServiceId => Cluster.Options.ServiceId;

    /// <summary>Starts <paramref name="silos"/> silos, waits until each sees all the others, and connects a client.</summary>
    public static Task<OrleansCacheTestCluster> StartAsync(int silos = 3, Action<OrleansCacheTestClusterOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new OrleansCacheTestClusterOptions { InitialSilos = silos };
        configure?.Invoke(options);
        return StartAsync(options, cancellationToken);
    }

    /// <summary>Starts the cluster <paramref name="options"/> describe.</summary>
    public static async Task<OrleansCacheTestCluster> StartAsync(OrleansCacheTestClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InitialSilos, 1);
        var cluster = new OrleansCacheTestCluster(options);
        try
        {
            using var timeout = cluster.Deadline(cancellationToken);
            await cluster.Cluster.DeployAsync(timeout.Token).ConfigureAwait(false);
            await cluster.WaitForStableMembershipAsync(timeout.Token).ConfigureAwait(false);
            cluster._defaultClient = await cluster.CreateClientAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Connects another client (a real Orleans client with its own near-cache) through the silos' gateways. Its
    /// connection can be cut and restored (<see cref="OrleansCacheTestClient.CutConnection"/>).
    /// </summary>
    public async Task<OrleansCacheTestClient> CreateClientAsync(Action<OrleansCacheClientOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        string name;
        lock (_lock)
        {
            name = $"client-{_clients.Count}";
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.Logging.ClearProviders();
        Options.ConfigureLogging?.Invoke(builder.Logging);
        if (Options.TimeProvider is { } time)
        {
            builder.Services.AddSingleton(time);
            builder.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        }

        var connection = new ClientConnectionSwitch();
        builder.UseOrleansClient(client =>
        {
            client.Services.AddSingleton<IGatewayListProvider>(_membership);
            client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(c => c.Use(connection.Use)));
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = Cluster.Options.ClusterId;
                o.ServiceId = Cluster.Options.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            client.AddOrleansCache(o =>
            {
                Options.ConfigureClient?.Invoke(o);
                configure?.Invoke(o);
            });
            Options.ConfigureClientBuilder?.Invoke(client);
        });

        var host = builder.Build();
        var testClient = new OrleansCacheTestClient(host, name, connection);
        try
        {
            using var timeout = Deadline(cancellationToken);
            await host.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await testClient.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        lock (_lock)
        {
            _clients.Add(testClient);
        }

        return testClient;
    }

    /// <summary>Starts one more silo and waits until every silo sees it.</summary>
    public async Task<SiloHandle> StartAdditionalSiloAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = Deadline(cancellationToken);
        var silo = await Cluster.StartAdditionalSiloAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
        await WaitForStableMembershipAsync(timeout.Token).ConfigureAwait(false);
        return silo;
    }

    /// <summary>Stops a silo gracefully (its grains deactivate, its feeds close, it leaves the cluster) and waits until the others see it gone.</summary>
    public async Task StopSiloAsync(SiloHandle silo, CancellationToken cancellationToken = default)
    {
        using var timeout = Deadline(cancellationToken);
        await Cluster.StopSiloAsync(silo, timeout.Token).ConfigureAwait(false);
        await WaitForStableMembershipAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops a silo at once, as far as an in-process silo can be (see the remarks on <see cref="OrleansCacheTestCluster"/>),
    /// and waits until the others see it gone.
    /// </summary>
    public async Task KillSiloAsync(SiloHandle silo, CancellationToken cancellationToken = default)
    {
        using var timeout = Deadline(cancellationToken);
        await Cluster.KillSiloAsync(silo, timeout.Token).ConfigureAwait(false);
        await WaitForStableMembershipAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Stops a silo and starts it again on the same ports (a new generation), and waits until the cluster is stable.</summary>
    public async Task<SiloHandle> RestartSiloAsync(SiloHandle silo, CancellationToken cancellationToken = default)
    {
        using var timeout = Deadline(cancellationToken);
        var restarted = await Cluster.RestartSiloAsync(silo).WaitAsync(timeout.Token).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Silo {silo.Name} could not be restarted.");
        await WaitForStableMembershipAsync(timeout.Token).ConfigureAwait(false);
        return restarted;
    }

    /// <summary>
    /// The silo that hosts (or will host) the cache entry of <paramref name="key"/> with the silos running now: the
    /// silo its partition is placed on. An activation made under an earlier set of silos may live elsewhere until it
    /// deactivates.
    /// </summary>
    public SiloHandle OwnerOf(string key)
    {
        var silos = Silos;
        var owner = CachePartitionPlacementDirector.SiloFor(CachePartitions.Of(key), [.. silos.Select(s => s.SiloAddress)]);
        return silos.Single(s => s.SiloAddress.Equals(owner));
    }

    /// <summary>Deactivates the grain's activation, wherever it is, and waits until it is gone (no-op if it is not active).</summary>
    public async Task DeactivateAsync(IAddressable grain, CancellationToken cancellationToken = default)
    {
        if (Cluster.TryGetGrainContext(grain.GetGrainId(), out var context))
        {
            context.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The test deactivated it."), cancellationToken);
            await context.Deactivated.WaitAsync(Options.Timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The services of <paramref name="silo"/> (its grain factory, membership, options...).</summary>
    public IServiceProvider ServicesOf(SiloHandle silo) => Cluster.GetSiloServiceProvider(silo.SiloAddress);

    /// <summary>Waits until every running silo sees exactly the running silos as active.</summary>
    public async Task WaitForStableMembershipAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var silos = Silos;
            var expected = silos.Select(s => s.SiloAddress).ToHashSet();
            var stable = silos.All(silo =>
            {
                var snapshot = ServicesOf(silo).GetRequiredService<IClusterMembershipService>().CurrentSnapshot;
                var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToHashSet();
                return active.SetEquals(expected);
            });
            if (stable)
            {
                return;
            }

            // Membership changes have no event we can await across silos; the snapshot is checked every 20 ms.
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Disconnects every client and stops every silo.</summary>
    public async ValueTask DisposeAsync()
    {
        List<OrleansCacheTestClient> clients;
        lock (_lock)
        {
            clients = [.. _clients];
            _clients.Clear();
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        await Cluster.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<SiloHandle> CreateSiloAsync(string name, Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        await InProcessSiloHandle.CreateAsync(name, configuration, host =>
        {
            host.ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                Options.ConfigureLogging?.Invoke(logging);
            });
            host.UseOrleans((_, silo) =>
            {
                silo.Services.AddSingleton<IMembershipTable>(_membership);
                silo.UseFastFailureDetection();
                if (Options.TimeProvider is { } time)
                {
                    silo.Services.AddSingleton(time);
                    silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
                }

                silo.AddOrleansCache(Options.ConfigureCache);
                Options.ConfigureSilo?.Invoke(silo);
            });
        }).ConfigureAwait(false);

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(Options.Timeout);
        return source;
    }
}
