using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Proxies;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Placement;

namespace OrleansCache.TestingHost;

/// <summary>
/// A cluster of silos in this process on free loopback ports, sharing an in-memory membership table, with a connected
/// client. Kill, stop, restart and add silos to test failover.
/// </summary>
/// <example>
/// <code>
/// await using var cluster = await TestCluster.StartAsync(silos: 3, o => o.ConfigureSilo = s => s.AddGrain&lt;IMyGrain, MyGrain&gt;());
/// var grain = cluster.Client.GetGrain&lt;IMyGrain&gt;("key");
/// await cluster.KillSiloAsync(cluster.OwnerOf&lt;IMyGrain&gt;("key"));
/// </code>
/// </example>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<TestSilo> _silos = [];
    private readonly List<IAsyncDisposable> _clients = [];
    private readonly Lock _lock = new();
    private int _nextSiloNumber;
    private int _nextClientNumber;

    private TestCluster(TestClusterOptions options)
    {
        Options = options;
    }

    /// <summary>How the cluster was built.</summary>
    public TestClusterOptions Options { get; }

    /// <summary>The membership table the silos share.</summary>
    public InMemoryMembershipTable MembershipTable { get; } = new();

    /// <summary>A grain-level client connected when the cluster started.</summary>
    public IClusterClient Client { get; private set; } = null!;

    /// <summary>A cache client connected when the cluster started.</summary>
    public IOrleansCacheClient Cache { get; private set; } = null!;

    /// <summary>The silos that are running now.</summary>
    public IReadOnlyList<TestSilo> Silos
    {
        get
        {
            lock (_lock)
            {
                return [.. _silos.Where(s => s.IsRunning)];
            }
        }
    }

    /// <summary>Starts <paramref name="silos"/> silos and connects a client.</summary>
    public static Task<TestCluster> StartAsync(int silos = 3, Action<TestClusterOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new TestClusterOptions { InitialSilos = silos };
        configure?.Invoke(options);
        return StartAsync(options, cancellationToken);
    }

    /// <summary>Starts the cluster described by <paramref name="options"/> and connects a client.</summary>
    public static async Task<TestCluster> StartAsync(TestClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InitialSilos, 1);
        var cluster = new TestCluster(options);
        try
        {
            for (var i = 0; i < options.InitialSilos; i++)
            {
                await cluster.StartSiloAsync(siloPort: 0, gatewayPort: 0, configure: null, cancellationToken).ConfigureAwait(false);
            }

            await cluster.WaitForStableViewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            cluster.Client = await cluster.CreateClientAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            cluster.Cache = await cluster.CreateCacheClientAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Connects another client. It tries <paramref name="gateway"/> first if given, otherwise the silos in turn, so
    /// successive clients spread over the gateways.
    /// </summary>
    public async Task<IClusterClient> CreateClientAsync(TestSilo? gateway = null, Action<ClusterClientOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new ClusterClientOptions();
        ConfigureConnection(options, gateway);
        configure?.Invoke(options);
        var client = ClusterClientFactory.Create(options, Options.LoggerFactory);
        await ConnectAndKeepAsync(client, client, cancellationToken).ConfigureAwait(false);
        return client;
    }

    /// <summary>
    /// Connects another cache client (with its own near-cache), to <paramref name="gateway"/> first if given,
    /// otherwise spread over the gateways like <see cref="CreateClientAsync"/>.
    /// </summary>
    public async Task<IOrleansCacheClient> CreateCacheClientAsync(TestSilo? gateway = null, Action<OrleansCacheClientOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new OrleansCacheClientOptions();
        ConfigureConnection(options.Cluster, gateway);
        // Values must fit in a frame; a cluster configured with small frames gets a matching value limit.
        options.MaxValueBytes = Math.Min(options.MaxValueBytes, options.Cluster.Connection.MaxFrameBytes / 2);
        configure?.Invoke(options);
        var cache = OrleansCacheFactory.Create(options, loggerFactory: Options.LoggerFactory);
        await ConnectAndKeepAsync(cache, cache.Cluster, cancellationToken).ConfigureAwait(false);
        return cache;
    }

    /// <summary>Starts one more silo and waits until every silo sees it.</summary>
    public Task<TestSilo> StartAdditionalSiloAsync(CancellationToken cancellationToken = default) =>
        StartAdditionalSiloAsync(configure: null, cancellationToken);

    /// <summary>
    /// Starts one more silo, configured by <paramref name="configure"/> after the cluster's own configuration (e.g. a
    /// different secret, to test that it cannot join), and waits until every silo sees it.
    /// </summary>
    /// <exception cref="ClusterAuthenticationException">The cluster refused the silo; it was not started.</exception>
    public async Task<TestSilo> StartAdditionalSiloAsync(Action<ISiloBuilder>? configure, CancellationToken cancellationToken = default)
    {
        var silo = await StartSiloAsync(siloPort: 0, gatewayPort: 0, configure, cancellationToken).ConfigureAwait(false);
        await WaitForStableViewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return silo;
    }

    /// <summary>
    /// Starts one more silo and returns once it has joined, without waiting for every other silo to see it: for tests
    /// where some silo cannot (one whose membership table is blinded, say). Call <see cref="WaitForStableViewAsync"/>
    /// when the cluster should have settled.
    /// </summary>
    public Task<TestSilo> StartSiloWithoutWaitingAsync(CancellationToken cancellationToken = default) =>
        StartSiloAsync(siloPort: 0, gatewayPort: 0, configure: null, cancellationToken);

    /// <summary>Crashes a silo: it stops at once, tells no one, and the others must detect its death.</summary>
    public async Task KillSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        EnsureMember(silo);
        silo.IsRunning = false;
        await silo.Silo.KillAsync().ConfigureAwait(false);
        await silo.Host.StopAsync(cancellationToken).ConfigureAwait(false);
        silo.Host.Dispose();
    }

    /// <summary>Stops a silo gracefully: it leaves the table, hands its grains over and finishes its calls.</summary>
    public async Task StopSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        EnsureMember(silo);
        silo.IsRunning = false;
        await silo.Host.StopAsync(cancellationToken).ConfigureAwait(false);
        silo.Host.Dispose();
    }

    /// <summary>
    /// Stops a silo gracefully and starts a new incarnation on the same ports (a larger generation), then waits until
    /// the view is stable.
    /// </summary>
    public async Task<TestSilo> RestartSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        EnsureMember(silo);
        if (silo.IsRunning)
        {
            await StopSiloAsync(silo, cancellationToken).ConfigureAwait(false);
        }

        var siloPort = silo.Address.Port;
        var gatewayPort = int.Parse(silo.GatewayEndPoint[(silo.GatewayEndPoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var restarted = await StartSiloAsync(siloPort, gatewayPort, configure: null, cancellationToken).ConfigureAwait(false);
        await WaitForStableViewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return restarted;
    }

    /// <summary>
    /// Waits until every running silo sees the same membership version (at least <paramref name="minimumVersion"/>) and
    /// exactly the running silos as active.
    /// </summary>
    /// <exception cref="TimeoutException">The view did not settle in time (default: 4 death timeouts).</exception>
    public async Task WaitForStableViewAsync(TimeSpan? timeout = null, long minimumVersion = 0, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? (4 * Options.DeathTimeout) + TimeSpan.FromSeconds(5);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var running = Silos;
            var expected = running.Select(s => s.Address).ToHashSet();
            var views = running.Select(s => s.Silo.View).ToList();
            if (views.Count > 0
                && views[0].Version >= minimumVersion
                && views.All(v => v.Version == views[0].Version)
                && views.All(v => v.Owners.Count == expected.Count && v.Owners.All(o => expected.Contains(o.Silo))))
            {
                return;
            }

            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"The membership view did not settle within {limit}: versions {string.Join(", ", views.Select(v => v.Version))}.");
            }

            // Wake on the first view change; the real-time cap keeps this moving when silos run on a manual clock.
            var changes = running.Select(s => s.Silo.Membership.WaitForViewChangeAsync(s.Silo.View.Version, Options.ProbeInterval, cancellationToken));
            await Task.WhenAny(changes.Append(Task.Delay(Options.ProbeInterval, cancellationToken))).ConfigureAwait(false);
        }
    }

    /// <summary>A new key, <c>{prefix}:{unique}</c>, whose grain <paramref name="silo"/> owns (as the first running silo sees it).</summary>
    public string KeyOwnedBy<TGrainInterface>(TestSilo silo, string prefix = "key") where TGrainInterface : IGrainWithStringKey
    {
        EnsureMember(silo);
        while (true)
        {
            var key = $"{prefix}:{Guid.NewGuid():N}";
            if (ReferenceEquals(OwnerOf<TGrainInterface>(key), silo))
            {
                return key;
            }
        }
    }

    /// <summary>The running silo that owns the grain, as the first running silo sees it.</summary>
    public TestSilo OwnerOf<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        OwnerOf(new GrainId(GrainInterfaceDescriptor.For(typeof(TGrainInterface)).GrainType, key));

    /// <summary>The running silo that owns <paramref name="grainId"/>, as the first running silo sees it.</summary>
    public TestSilo OwnerOf(GrainId grainId)
    {
        var running = Silos;
        var owner = RendezvousPlacement.SelectOwner(grainId, running[0].Silo.View.Owners)
            ?? throw new InvalidOperationException("No silo is active.");
        return running.FirstOrDefault(s => s.Address.Equals(owner))
            ?? throw new InvalidOperationException($"The owner {owner} is not a running silo of this cluster; wait for a stable view first.");
    }

    /// <summary>Disconnects the clients and stops every running silo gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> clients;
        lock (_lock)
        {
            clients = [.. _clients];
            _clients.Clear();
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var silo in Silos)
        {
            // The whole cluster is going away: a kill is faster than a graceful hand-over nobody needs.
            await KillSiloAsync(silo).ConfigureAwait(false);
        }
    }

    private async Task<TestSilo> StartSiloAsync(int siloPort, int gatewayPort, Action<ISiloBuilder>? configure, CancellationToken cancellationToken)
    {
        var name = $"silo-{Interlocked.Increment(ref _nextSiloNumber)}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(Options.LoggerFactory ?? NullLoggerFactory.Instance);
        builder.Services.AddSingleton(Options.TimeProvider);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.UseOrleansCacheSilo(silo =>
        {
            silo.UseInMemoryClustering(MembershipTable);
            silo.AddCacheGrains();
            silo.Configure(o =>
            {
                o.ClusterId = Options.ClusterId;
                o.SiloName = name;
                o.ListenAddress = "127.0.0.1";
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
            });
            silo.ConfigureHttp(h =>
            {
                h.Enabled = Options.EnableHttp;
                h.ListenAddress = "127.0.0.1";
                h.Port = 0;
            });
            silo.ConfigureMembership(m =>
            {
                m.ProbeInterval = Options.ProbeInterval;
                m.DeathTimeout = Options.DeathTimeout;
            });
            if (Options.SharedSecret is { } secret)
            {
                silo.UseSharedSecret(secret);
            }

            if (Options.ServerCertificate is { } certificate)
            {
                silo.UseTls(certificate);
            }

            Options.ConfigureSilo?.Invoke(silo);
            configure?.Invoke(silo);
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A silo that failed to start (e.g. refused by the cluster) must not keep its ports.
            await ((IAsyncDisposable)host).DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var silo = new TestSilo(name, host, host.Services.GetRequiredService<Silo>());
        lock (_lock)
        {
            _silos.Add(silo);
        }

        return silo;
    }

    private void EnsureMember(TestSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        lock (_lock)
        {
            if (!_silos.Contains(silo))
            {
                throw new ArgumentException($"{silo} is not a silo of this cluster.", nameof(silo));
            }
        }
    }

    private void ConfigureConnection(ClusterClientOptions options, TestSilo? gateway)
    {
        options.ClusterId = Options.ClusterId;
        options.ClientId = $"test-client-{Interlocked.Increment(ref _nextClientNumber)}";
        var silos = Silos;
        var first = gateway is null ? _nextClientNumber % Math.Max(1, silos.Count) : IndexOf(silos, gateway);
        if (first < 0)
        {
            throw new ArgumentException($"{gateway} is not running.", nameof(gateway));
        }

        for (var i = 0; i < silos.Count; i++)
        {
            options.Gateways.Add(silos[(first + i) % silos.Count].GatewayEndPoint);
        }

        if (Options.SharedSecret is { } secret)
        {
            options.UseSharedSecret(secret);
        }

        if (Options.ServerCertificate is { } certificate)
        {
            options.UseTls(certificate);
        }

        Options.ConfigureClient?.Invoke(options);
    }

    private async Task ConnectAndKeepAsync(IAsyncDisposable owner, IClusterClient connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await owner.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        lock (_lock)
        {
            _clients.Add(owner);
        }
    }

    private static int IndexOf(IReadOnlyList<TestSilo> silos, TestSilo silo)
    {
        for (var i = 0; i < silos.Count; i++)
        {
            if (ReferenceEquals(silos[i], silo))
            {
                return i;
            }
        }

        return -1;
    }
}
