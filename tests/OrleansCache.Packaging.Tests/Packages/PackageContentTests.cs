using System.Text.RegularExpressions;
using OrleansCache.Packaging.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Packaging.Tests.Packages;

/// <summary>What dotnet pack writes: which packages, and what each one carries.</summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageContentTests(PackagedFeed feed)
{
    private static readonly string[] Libraries = [.. PackagedFeed.ExpectedPackages.Where(id => id != "OrleansCache.Cli")];

    public static TheoryData<string> Packages => [.. PackagedFeed.ExpectedPackages];

    public static TheoryData<string> LibraryPackages => [.. Libraries];

    [Fact]
    public void Pack_OfTheSolution_WritesEveryShippedPackageWithSymbols_AndNothingElse()
    {
        var written = Directory.GetFiles(feed.Folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();

        var expected = PackagedFeed.ExpectedPackages
            .SelectMany(id => new[] { $"{id}.{feed.Version}.nupkg", $"{id}.{feed.Version}.snupkg" })
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, written);
        TestContext.Current.SendDiagnosticMessage($"dotnet pack of the solution took {feed.PackTime.TotalSeconds:0.0} s");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Package_CarriesItsMetadataAndAReadmeWithItsRegistration(string id)
    {
        var package = PackageFile.Open(feed.PathOf(id));

        Assert.Equal(id, package["id"]);
        Assert.Equal(feed.Version, package["version"]);
        Assert.Equal("OrleansCache contributors", package["authors"]);
        Assert.Equal("MIT", package["license"]);
        Assert.Equal("expression", (string?)package.Metadata.Element(package.Metadata.Name.Namespace + "license")?.Attribute("type"));
        Assert.True(package["description"].Length > 40, $"{id} has no real description: '{package["description"]}'");
        Assert.Contains("orleans", package["tags"].Split(' '));
        Assert.Equal("git", (string?)package.Metadata.Element(package.Metadata.Name.Namespace + "repository")?.Attribute("type"));

        Assert.Equal("README.md", package["readme"]);
        var readme = package.TextOf("README.md");
        Assert.StartsWith($"# {id}\n", readme, StringComparison.Ordinal);
        if (id != "OrleansCache.Grains.Interfaces")
        {
            // Every package a user references shows how: the registration line (or the install command) in a code block.
            Assert.Matches(new Regex(@"```(csharp|bash)\n(.|\n)*(AddOrleansCache|AddOrleansHybridCache|UseRedisStorage|OrleansCacheTestCluster\.StartAsync|dotnet tool install)", RegexOptions.None, TimeSpan.FromSeconds(1)), readme);
        }
    }

    [Theory]
    [MemberData(nameof(LibraryPackages))]
    public void LibraryPackage_HoldsItsAssemblyAndDocs_AndDependsOnOurPackagesOfTheSameVersion(string id)
    {
        var package = PackageFile.Open(feed.PathOf(id));

        Assert.Contains($"lib/net10.0/{id}.dll", package.Entries);
        Assert.Contains($"lib/net10.0/{id}.xml", package.Entries);
        var ours = package.Dependencies.Where(d => d.Key.StartsWith("OrleansCache.", StringComparison.Ordinal)).ToList();
        Assert.All(ours, d => Assert.Equal(feed.Version, d.Value));
        Assert.All(ours, d => Assert.Contains(d.Key, PackagedFeed.ExpectedPackages));
        // Build-time analyzers stay with the build.
        Assert.DoesNotContain("Microsoft.CodeAnalysis.PublicApiAnalyzers", package.Dependencies.Keys);
    }

    [Theory]
    [InlineData("OrleansCache.Client")]
    [InlineData("OrleansCache.Hybrid")]
    public void ClientSidePackage_PullsInNeitherTheSiloRuntimeNorAspNetCore(string id)
    {
        var dependencies = PackageFile.Open(feed.PathOf(id)).Dependencies.Keys.ToList();

        Assert.Contains(id == "OrleansCache.Client" ? "Microsoft.Orleans.Client" : "OrleansCache.Client", dependencies);
        Assert.DoesNotContain("Microsoft.Orleans.Server", dependencies);
        Assert.DoesNotContain("Microsoft.Orleans.Runtime", dependencies);
        Assert.DoesNotContain("OrleansCache.Grains", dependencies);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void SiloPackage_BringsTheClientAndTheContracts_SoASiloReferencesOnePackage()
    {
        var dependencies = PackageFile.Open(feed.PathOf("OrleansCache.Grains")).Dependencies;

        Assert.Contains("OrleansCache.Client", dependencies.Keys);
        Assert.Contains("OrleansCache.Grains.Interfaces", dependencies.Keys);
        Assert.Contains("Microsoft.Orleans.Server", dependencies.Keys);

        // For the opt-in publication of invalidations on the application's Orleans streams (docs/streams.md).
        Assert.Contains("Microsoft.Orleans.Streaming", dependencies.Keys);
    }

    [Fact]
    public void ToolPackage_IsADotnetToolNamedOrleansCache_WithEverythingItRunsOnInside()
    {
        var package = PackageFile.Open(feed.PathOf("OrleansCache.Cli"));

        var packageType = package.Metadata.Descendants(package.Metadata.Name.Namespace + "packageType").Single();
        Assert.Equal("DotnetTool", (string?)packageType.Attribute("name"));
        Assert.Contains("tools/net10.0/any/OrleansCache.Cli.dll", package.Entries);
        Assert.Contains("tools/net10.0/any/OrleansCache.Client.dll", package.Entries);
        Assert.Contains("tools/net10.0/any/Orleans.Core.dll", package.Entries);
        Assert.Contains("tools/net10.0/any/Spectre.Console.dll", package.Entries);
        Assert.Contains("Command Name=\"orleans-cache\" EntryPoint=\"OrleansCache.Cli.dll\"", package.TextOf("tools/net10.0/any/DotnetToolSettings.xml"), StringComparison.Ordinal);
        Assert.Empty(package.Dependencies);
    }
}
