using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>
/// A 3-silo test cluster shared by the tests of one collection (they run one after another), for commands that leave
/// the cluster as it was. Tests that stop silos start their own.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public OrleansCacheTestCluster Cluster { get; private set; } = null!;

    /// <summary>--cluster-id, --service-id and every silo's gateway.</summary>
    public string[] Connection => Tool.Connect(Cluster);

    public async ValueTask InitializeAsync() => Cluster = await OrleansCacheTestCluster.StartAsync(silos: 3);

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    /// <summary>A key no other test uses.</summary>
    public static string Key(string prefix = "cli") => $"{prefix}:{Guid.NewGuid():N}";
}
