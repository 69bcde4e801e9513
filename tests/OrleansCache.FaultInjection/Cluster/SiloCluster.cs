using System.Globalization;
using OrleansCache.FaultInjection.Network;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Placement;
using OrleansCache.TestSupport.Redis;

namespace OrleansCache.FaultInjection.Cluster;

/// <summary>
/// The run's cluster: a redis-server of its own (append-only file synced on every write, so a restart is a fault, not a
/// wipe), and silo processes of <c>src/Silo</c> with Redis clustering and Redis storage, each in a network namespace of
/// its own where they can be made (<see cref="NamespaceNetwork"/>), else on loopback.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    public const string ServiceId = "orleans-cache-fi";

    private readonly string _dataDirectory;

    private SiloCluster(RedisServerProcess redis, NamespaceNetwork? network, string dataDirectory, IReadOnlyList<SiloSlot> slots, string clusterId)
    {
        Redis = redis;
        Network = network;
        _dataDirectory = dataDirectory;
        Slots = slots;
        ClusterId = clusterId;
    }

    public RedisServerProcess Redis { get; }

    /// <summary>The namespaces, or null when the silos run on loopback.</summary>
    public NamespaceNetwork? Network { get; }

    public IReadOnlyList<SiloSlot> Slots { get; }

    public string ClusterId { get; }

    /// <summary>Redis as the silos reach it (through the bridge from their namespaces).</summary>
    public string SiloRedis => Network is null ? Redis.ConnectionString : $"{Network.RedisAddress}:{Redis.Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts Redis and <paramref name="silos"/> silos and waits until each is active.</summary>
    /// <param name="logDirectory">Where each silo's output is written when it ends (null: nowhere).</param>
    public static async Task<SiloCluster> StartAsync(int silos, NamespaceNetwork? network, string clusterId, string? logDirectory = null)
    {
        var data = Directory.CreateTempSubdirectory("ocfi-redis-").FullName;
        var redis = await RedisServerProcess.StartAsync(data, network is null ? null : [network.RedisAddress]).ConfigureAwait(false);
        var slots = Enumerable.Range(0, silos)
            .Select(i => new SiloSlot(i, network?.SiloAddress(i) ?? "127.0.0.1", network?.Launcher(i) ?? [], logDirectory))
            .ToList();
        var cluster = new SiloCluster(redis, network, data, slots, clusterId);
        try
        {
            await Task.WhenAll(slots.Select(cluster.StartOrLeaveStartingAsync)).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts a silo; one slow to start on a starved machine keeps starting, for the run's recovery to wait for.</summary>
    private async Task StartOrLeaveStartingAsync(SiloSlot slot)
    {
        try
        {
            await ReplaceAsync(slot).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still starting: recovery waits until every slot's silo is active.
        }
    }

    /// <summary>Starts a new silo in <paramref name="slot"/> (after a kill, a stop or a fail-stop).</summary>
    public Task ReplaceAsync(SiloSlot slot) => slot.StartAsync(SiloRedis, ClusterId, ServiceId);

    /// <summary>True when the active silos <paramref name="admin"/>'s cluster reports are exactly the running slots' silos.</summary>
    public async Task<bool> IsStableAsync(IClusterClient admin)
    {
        var hosts = await admin.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        var active = hosts.Keys.Select(Name).ToHashSet(StringComparer.Ordinal);
        var running = Slots.Where(s => s.IsRunning).Select(s => s.Endpoint).ToHashSet(StringComparer.Ordinal);
        return active.SetEquals(running);
    }

    /// <summary>True when the cluster (as <paramref name="admin"/> reaches it) lists none of <paramref name="slots"/>' silos as active.</summary>
    public async Task<bool> AreDeclaredDeadAsync(IClusterClient admin, IReadOnlyList<SiloSlot> slots)
    {
        var hosts = await admin.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        var active = hosts.Keys.Select(Name).ToHashSet(StringComparer.Ordinal);
        return !slots.Any(slot => active.Contains(slot.Endpoint));
    }

    /// <summary>The slot whose silo hosts the partitions of <paramref name="key"/>, as placement puts it over the active silos.</summary>
    public async Task<SiloSlot?> OwnerOfAsync(IClusterClient admin, string key)
    {
        var hosts = await admin.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        if (hosts.Count == 0)
        {
            return null;
        }

        var owner = Name(CachePartitionPlacementDirector.SiloFor(CachePartitions.Of(key), [.. hosts.Keys]));
        return Slots.FirstOrDefault(s => s.IsRunning && string.Equals(s.Endpoint, owner, StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in Slots)
        {
            await slot.DisposeAsync().ConfigureAwait(false);
        }

        await Redis.DisposeAsync().ConfigureAwait(false);
        if (Network is not null)
        {
            await Network.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder: left for the system to clean.
        }
    }

    private static string Name(SiloAddress silo) => $"{silo.Endpoint.Address}:{silo.Endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
}
