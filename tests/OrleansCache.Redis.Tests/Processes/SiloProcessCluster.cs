using System.Globalization;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Placement;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using OrleansCache.TestSupport.Redis;
using OrleansCache.TestSupport.Waiting;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>
/// Silo processes (the built <c>src/Silo</c> executable) forming one cluster through Orleans' Redis clustering, started
/// with the README's flags: <c>--cluster-id</c>, <c>--redis</c>, and ports of their own (<c>--silo-port</c>,
/// <c>--gateway-port</c>). Each silo is stopped by its process id when the cluster is disposed; the Redis server is
/// the caller's.
/// </summary>
internal sealed class SiloProcessCluster : IAsyncDisposable
{
    /// <summary>How long the cluster may take to form or change, on a loaded 2-core machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly List<ClusterSilo> _silos = [];
    private readonly IReadOnlyList<string> _flags;
    private readonly IReadOnlyDictionary<string, string> _environment;

    private SiloProcessCluster(RedisServerProcess redis, string clusterId, IReadOnlyList<string> flags, IReadOnlyDictionary<string, string> environment)
    {
        Redis = redis;
        ClusterId = clusterId;
        _flags = flags;
        _environment = environment;
    }

    public RedisServerProcess Redis { get; }

    public string ClusterId { get; }

    /// <summary>Every silo started, killed ones included.</summary>
    public IReadOnlyList<ClusterSilo> Silos => _silos;

    /// <summary>The gateways of every silo started (clients skip the dead ones themselves).</summary>
    public IReadOnlyList<string> Gateways => [.. _silos.Select(s => s.Process.Gateway)];

    /// <summary>
    /// Starts <paramref name="count"/> silos of a new cluster on <paramref name="redis"/>, each with <paramref name="flags"/>
    /// after the clustering and port flags, and waits until a client sees all of them active.
    /// </summary>
    public static async Task<SiloProcessCluster> StartAsync(RedisServerProcess redis, int count, IReadOnlyList<string>? flags = null, IReadOnlyDictionary<string, string>? environment = null, string? clusterId = null)
    {
        var cluster = new SiloProcessCluster(redis, clusterId ?? $"processes-{Guid.NewGuid():N}", flags ?? [], environment ?? new Dictionary<string, string>());
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(_ => cluster.StartSiloAsync()));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more silo and returns once it listens; it reaches Redis through <paramref name="redisConnectionString"/>
    /// if given (e.g. a proxy in between), the cluster's Redis otherwise.
    /// </summary>
    public async Task<ClusterSilo> StartSiloAsync(string? redisConnectionString = null)
    {
        var siloPort = FreePorts.Take();
        var gatewayPort = FreePorts.Take();
        string[] args =
        [
            "--cluster-id", ClusterId, "--redis", redisConnectionString ?? Redis.ConnectionString,
            "--silo-port", Text(siloPort), "--gateway-port", Text(gatewayPort), "--name", $"silo-{Text(siloPort)}",
            .. _flags,
        ];
        var process = await SiloProcess.StartAsync(_environment, args);
        var silo = new ClusterSilo(process, siloPort);
        lock (_silos)
        {
            _silos.Add(silo);
        }

        return silo;
    }

    /// <summary>
    /// Starts one more silo (as <see cref="StartSiloAsync"/>) that hosts at least one of the cache's partitions once it
    /// is active: a silo that hosts none (with three silos, about one start in 650: 16 partitions placed by rendezvous
    /// over the silos' addresses) owns no key. Such a silo is stopped and another, with a new address, started instead.
    /// </summary>
    public async Task<ClusterSilo> StartSiloHostingAPartitionAsync(string? redisConnectionString, CancellationToken cancellationToken)
    {
        await using var probe = await ConnectClientAsync(cancellationToken);
        while (true)
        {
            var silo = await StartSiloAsync(redisConnectionString);
            await WaitForActiveAsync(probe, Silos, cancellationToken);
            var active = await ActiveSilosAsync(probe);
            if (Enumerable.Range(0, CachePartitions.Count).Any(p => SiloAt(CachePartitionPlacementDirector.SiloFor(p, active)) == silo))
            {
                return silo;
            }

            lock (_silos)
            {
                _silos.Remove(silo);
            }

            await silo.Process.TerminateAsync();
            await silo.Process.DisposeAsync();
            await WaitForActiveAsync(probe, Silos, cancellationToken);
        }
    }

    /// <summary>Starts a cache client with every silo's gateway.</summary>
    public Task<CacheClientHost> ConnectClientAsync(CancellationToken cancellationToken) =>
        CacheClientHost.StartAsync(ClusterId, Gateways, cancellationToken);

    /// <summary>Waits until the silo <paramref name="client"/> asks lists exactly <paramref name="expected"/> as active.</summary>
    public async Task WaitForActiveAsync(CacheClientHost client, IEnumerable<ClusterSilo> expected, CancellationToken cancellationToken)
    {
        var ports = expected.Select(s => s.SiloPort).Order().ToArray();
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return (await ActiveSilosAsync(client)).Select(a => a.Endpoint.Port).Order().SequenceEqual(ports);
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    // The silo that answered is the one going away: ask again.
                    return false;
                }
            },
            $"the silos on ports {string.Join(", ", ports)} to be the active ones",
            Timeout,
            cancellationToken);
    }

    /// <summary>The active silos, as the cluster's management grain reports them.</summary>
    public static async Task<SiloAddress[]> ActiveSilosAsync(CacheClientHost client) =>
        [.. (await client.Cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys];

    /// <summary>
    /// The silo that hosts <paramref name="key"/>'s partition among the active silos, as a user finds it: the key's
    /// partition (<see cref="CachePartitions"/>) placed over the management grain's active silos by the cache's
    /// rendezvous placement.
    /// </summary>
    public async Task<ClusterSilo> OwnerOfAsync(CacheClientHost client, string key) => OwnerOf(await ActiveSilosAsync(client), key);

    /// <summary>The silo that hosts <paramref name="key"/>'s partition when <paramref name="active"/> are the active silos.</summary>
    public ClusterSilo OwnerOf(SiloAddress[] active, string key) => SiloAt(CachePartitionPlacementDirector.SiloFor(CachePartitions.Of(key), active));

    /// <summary>Where the key's grain is active now, by Orleans' management grain; null if nowhere.</summary>
    public async Task<ClusterSilo?> ActivationOfAsync(CacheClientHost client, string key)
    {
        var address = await client.Cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(client.Cluster.GetGrain<ICacheEntryGrain>(key));
        return address is null ? null : SiloAt(address);
    }

    /// <summary>The silo process behind a silo address (by its silo port).</summary>
    public ClusterSilo SiloAt(SiloAddress address) => _silos.Single(s => s.SiloPort == address.Endpoint.Port);

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.Process.DisposeAsync();
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
