using Xunit;

namespace OrleansCache.Packaging.Tests.Infrastructure;

/// <summary>The tests of the packed packages: one <see cref="PackagedFeed"/> (one dotnet pack) for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackagedFeed>
{
    public const string Name = "packages";
}
