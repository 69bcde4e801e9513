using Xunit;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>
/// The test classes that share one 3-silo cluster. They run one after another, so a test may count the cluster's
/// reads exactly; each uses keys of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "shared 3-silo cluster";
}
