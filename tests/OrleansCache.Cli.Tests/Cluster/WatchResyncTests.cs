using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

public sealed class WatchResyncTests
{
    [Fact]
    public async Task Watch_WhenASiloLeaves_PrintsAResyncLine_AndGoesOnPrintingInvalidations()
    {
        await using var cluster = await OrleansCacheTestCluster.StartAsync(silos: 3, cancellationToken: TestContext.Current.CancellationToken);
        var prefix = ClusterFixture.Key("resync") + ":";
        await using var watch = Tool.Start([.. Tool.Connect(cluster), "watch", prefix]);
        await watch.Error.LineContainingAsync("watching invalidations");

        await cluster.StopSiloAsync(cluster.Silos[2], TestContext.Current.CancellationToken);
        var resync = await watch.LineAsync(l => l.Contains("  resync   ", StringComparison.Ordinal));
        await cluster.Cache.InvalidateAsync(prefix + "after", TestContext.Current.CancellationToken);
        await watch.LineAsync(l => l.Contains($"key      {prefix}after  version ", StringComparison.Ordinal));

        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d\d  resync   [a-z_]+: invalidations may have been missed; subscribed again$", resync);
        Assert.Equal(0, await watch.StopAsync());
    }
}
