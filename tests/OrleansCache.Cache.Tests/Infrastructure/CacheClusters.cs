using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Placement;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cache.Tests.Infrastructure;

internal static class CacheClusters
{
    public static Task<OrleansCacheTestCluster> StartAsync(int silos = 3, Action<OrleansCacheTestClusterOptions>? configure = null) =>
        OrleansCacheTestCluster.StartAsync(silos, configure, TestContext.Current.CancellationToken);

    /// <summary>The cluster's default client and more, up to <paramref name="count"/>.</summary>
    public static async Task<List<OrleansCacheTestClient>> ClientsAsync(OrleansCacheTestCluster cluster, int count, Action<OrleansCache.Client.OrleansCacheClientOptions>? configure = null)
    {
        var clients = new List<OrleansCacheTestClient> { cluster.DefaultClient };
        while (clients.Count < count)
        {
            clients.Add(await cluster.CreateClientAsync(configure, TestContext.Current.CancellationToken));
        }

        return clients;
    }

    public static string Key(string prefix = "user") => $"{prefix}:{Guid.NewGuid():N}";

    /// <summary>A fresh key whose partition the given silo hosts (with the silos running now).</summary>
    /// <remarks>
    /// A silo may host none of the <see cref="CachePartitions.Count"/> partitions (about 1 start in 200 with three silos):
    /// then no key is its, and this says so instead of searching for ever.
    /// </remarks>
    public static string KeyOwnedBy(this OrleansCacheTestCluster cluster, Orleans.TestingHost.SiloHandle silo, string prefix = "user")
    {
        // With one partition of 16, 10,000 random keys all miss it with a probability of about 1e-280.
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var key = Key(prefix);
            if (cluster.OwnerOf(key).SiloAddress.Equals(silo.SiloAddress))
            {
                return key;
            }
        }

        throw new InvalidOperationException($"Silo {silo.SiloAddress} hosts none of the {CachePartitions.Count} partitions; choose among PartitionHosts().");
    }

    /// <summary>The running silos that host at least one partition (so keys of theirs exist), in the order of <c>Silos</c>.</summary>
    public static IReadOnlyList<Orleans.TestingHost.SiloHandle> PartitionHosts(this OrleansCacheTestCluster cluster)
    {
        var silos = cluster.Silos;
        var addresses = silos.Select(s => s.SiloAddress).ToArray();
        var hosts = Enumerable.Range(0, CachePartitions.Count).Select(p => CachePartitionPlacementDirector.SiloFor(p, addresses)).ToHashSet();
        return [.. silos.Where(s => hosts.Contains(s.SiloAddress))];
    }
}
