using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cache.Tests.Infrastructure;

internal static class CacheClusters
{
    public static Task<TestCluster> StartAsync(int silos = 3, Action<TestClusterOptions>? configure = null) =>
        TestCluster.StartAsync(silos, configure, TestContext.Current.CancellationToken);

    /// <summary>Cache clients spread over the gateways (the cluster's own first).</summary>
    public static async Task<List<IOrleansCacheClient>> ClientsAsync(TestCluster cluster, int count, Action<OrleansCacheClientOptions>? configure = null)
    {
        var clients = new List<IOrleansCacheClient> { cluster.Cache };
        while (clients.Count < count)
        {
            clients.Add(await cluster.CreateCacheClientAsync(configure: configure, cancellationToken: TestContext.Current.CancellationToken));
        }

        return clients;
    }

    public static string Key(string prefix = "user") => $"{prefix}:{Guid.NewGuid():N}";
}
