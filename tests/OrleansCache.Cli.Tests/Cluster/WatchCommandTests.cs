using System.Text.Json;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.Client;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

[Collection(SharedCluster.Name)]
public sealed class WatchCommandTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Watch_PrintsTheInvalidationsAnotherClientMakes_UntilStopped()
    {
        var prefix = ClusterFixture.Key("watched") + ":";
        var other = await fixture.Cluster.CreateCacheClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var watch = Tool.Start([.. fixture.Connection, "watch", prefix]);
        await WaitUntilSubscribedAsync(watch, other, prefix + "probe");

        await other.SetAsync(prefix + "set", "v", cancellationToken: TestContext.Current.CancellationToken);
        await other.InvalidateAsync(prefix + "invalidated", TestContext.Current.CancellationToken);
        await fixture.Cluster.Cache.SetAsync(ClusterFixture.Key("unwatched"), "v", cancellationToken: TestContext.Current.CancellationToken);
        await other.InvalidateByPatternAsync(prefix + "*", TestContext.Current.CancellationToken);

        var set = await watch.LineAsync(l => l.Contains($"key      {prefix}set  version ", StringComparison.Ordinal));
        await watch.LineAsync(l => l.Contains($"key      {prefix}invalidated  version ", StringComparison.Ordinal));
        await watch.LineAsync(l => l.EndsWith($"pattern  {prefix}*", StringComparison.Ordinal));
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d\d  key ", set);
        Assert.DoesNotContain(watch.Out.Lines, l => l.Contains("unwatched", StringComparison.Ordinal));
        Assert.Equal(0, await watch.StopAsync());
        Assert.Empty(watch.Error.Lines.Skip(1));
    }

    [Fact]
    public async Task WatchWithoutPrefix_PrintsEveryKeysInvalidations_AsJsonLines()
    {
        var other = await fixture.Cluster.CreateCacheClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var watch = Tool.Start([.. fixture.Connection, "watch", "--json"]);
        await WaitUntilSubscribedAsync(watch, other, ClusterFixture.Key("probe"));
        var key = ClusterFixture.Key("anything");
        var tag = $"t-{Guid.NewGuid():N}";

        await other.SetAsync(key, 1, cancellationToken: TestContext.Current.CancellationToken);
        await other.InvalidateByTagAsync(tag, TestContext.Current.CancellationToken);

        var keyLine = await watch.LineAsync(l => l.Contains(key, StringComparison.Ordinal));
        var tagLine = await watch.LineAsync(l => l.Contains(tag, StringComparison.Ordinal));
        using var keyJson = JsonDocument.Parse(keyLine);
        Assert.Equal("key", keyJson.RootElement.GetProperty("kind").GetString());
        Assert.Equal(key, keyJson.RootElement.GetProperty("target").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+$", keyJson.RootElement.GetProperty("version").GetString());
        using var tagJson = JsonDocument.Parse(tagLine);
        Assert.Equal("tag", tagJson.RootElement.GetProperty("kind").GetString());
        Assert.Equal(0, await watch.StopAsync());
    }

    /// <summary>
    /// The broadcast subscription takes effect shortly after the tool connects, with no acknowledgement (see
    /// docs/consistency.md): write a probe key (idempotent) until the watch prints it.
    /// </summary>
    private static async Task WaitUntilSubscribedAsync(RunningCli watch, IOrleansCache other, string probe)
    {
        for (var attempt = 0; ; attempt++)
        {
            await other.SetAsync(probe, attempt, cancellationToken: TestContext.Current.CancellationToken);
            try
            {
                await watch.LineAsync(l => l.Contains(probe, StringComparison.Ordinal), TimeSpan.FromSeconds(1));
                return;
            }
            catch (TimeoutException) when (attempt < 60)
            {
            }
        }
    }
}
