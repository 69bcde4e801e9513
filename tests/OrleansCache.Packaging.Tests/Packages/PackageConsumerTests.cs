using System.Diagnostics;
using System.Globalization;
using OrleansCache.Packaging.Tests.Infrastructure;
using OrleansCache.TestSupport.Network;
using Xunit;

namespace OrleansCache.Packaging.Tests.Packages;

/// <summary>A new app that knows the cache only by its packages: restore, build and run, as a user would.</summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageConsumerTests(PackagedFeed feed)
{
    [Fact]
    public async Task ConsoleApp_ReferencingThePackages_HostsASiloAndClientsThatShareValues()
    {
        var watch = Stopwatch.StartNew();
        var packages = Path.Combine(feed.Root, "consumer-packages");
        var app = ConsumerProject.Create(Path.Combine(feed.Root, "consumer"), feed.Folder, packages, await MachineDotnet.GlobalPackagesFolderAsync(feed.Root));

        (await Dotnet.RunAsync(app, null, "build", "-c", "Release", "-o", "out", $"-p:OrleansCacheVersion={feed.Version}", "-v", "quiet")).EnsureSucceeded();
        var built = watch.Elapsed;

        // The app got our packages from the feed, extracted afresh: not from a project or an older copy.
        foreach (var id in new[] { "OrleansCache.Client", "OrleansCache.Grains", "OrleansCache.Grains.Interfaces", "OrleansCache.Hybrid", "OrleansCache.Redis", "OrleansCache.TestingHost" })
        {
            Assert.True(Directory.Exists(Path.Combine(packages, id.ToLowerInvariant(), feed.Version)), $"{id} {feed.Version} was not restored from the feed.");
        }

        var (siloPort, gatewayPort) = (FreePorts.Take(), FreePorts.Take());
        var run = await Dotnet.RunAsync(app, null, Path.Combine("out", "PackageConsumer.dll"), siloPort.ToString(CultureInfo.InvariantCulture), gatewayPort.ToString(CultureInfo.InvariantCulture));

        run.EnsureSucceeded();
        Assert.Contains("silo read Ada; client read Grace (HybridCache made Grace); test cluster read Edsger; OrleansCache.Redis loaded", run.Output, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage($"consumer app: restore and build {built.TotalSeconds:0.0} s, run {(watch.Elapsed - built).TotalSeconds:0.0} s");
    }
}
