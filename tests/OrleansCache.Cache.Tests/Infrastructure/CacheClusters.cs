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
    public static string KeyOwnedBy(this OrleansCacheTestCluster cluster, Orleans.TestingHost.SiloHandle silo, string prefix = "user")
    {
        while (true)
        {
            var key = Key(prefix);
            if (cluster.OwnerOf(key).SiloAddress.Equals(silo.SiloAddress))
            {
                return key;
            }
        }
    }
}
