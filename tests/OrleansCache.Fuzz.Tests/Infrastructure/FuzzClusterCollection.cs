using Xunit;

namespace OrleansCache.Fuzz.Tests.Infrastructure;

/// <summary>The tests that share one <see cref="FuzzCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FuzzClusterCollection : ICollectionFixture<FuzzCluster>
{
    public const string Name = "fuzz cluster";
}
