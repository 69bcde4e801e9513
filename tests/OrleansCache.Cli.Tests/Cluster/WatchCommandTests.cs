using System.Text.Json;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

[Collection(SharedCluster.Name)]
public sealed class WatchCommandTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Watch_PrintsTheInvalidationsAnotherClientMakes_UnderItsPrefix_UntilStopped()
    {
        var prefix = ClusterFixture.Key("watched") + ":";
        var other = await fixture.Cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var watch = Tool.Start([.. fixture.Connection, "watch", prefix]);
        // The line comes once every partition's feed has the subscription: from then on nothing is missed.
        await watch.Error.LineContainingAsync("watching invalidations of keys starting with");

        await other.Cache.SetAsync(prefix + "set", "v", cancellationToken: TestContext.Current.CancellationToken);
        await other.Cache.InvalidateAsync(prefix + "invalidated", TestContext.Current.CancellationToken);
        await other.Cache.SetAsync(ClusterFixture.Key("unwatched"), "v", cancellationToken: TestContext.Current.CancellationToken);
        await other.Cache.InvalidateByPatternAsync(prefix + "*", TestContext.Current.CancellationToken);

        var set = await watch.LineAsync(l => l.Contains($"key      {prefix}set  version ", StringComparison.Ordinal));
        await watch.LineAsync(l => l.Contains($"key      {prefix}invalidated  version ", StringComparison.Ordinal));
        await watch.LineAsync(l => l.EndsWith($"pattern  {prefix}*", StringComparison.Ordinal));
        await EveryPartitionDeliveredAsync(watch, other, prefix);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d\d  key ", set);
        Assert.DoesNotContain(watch.Out.Lines, l => l.Contains("unwatched", StringComparison.Ordinal));
        // The pattern reached every partition's feed; the watch shows it once.
        Assert.Single(watch.Out.Lines, l => l.EndsWith($"pattern  {prefix}*", StringComparison.Ordinal));
        Assert.Equal(0, await watch.StopAsync());
        Assert.Single(watch.Error.Lines);
    }

    [Fact]
    public async Task WatchWithoutPrefix_PrintsEveryKeysInvalidations_AsJsonLines()
    {
        var other = await fixture.Cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var watch = Tool.Start([.. fixture.Connection, "watch", "--json"]);
        await watch.Error.LineContainingAsync("watching invalidations of every key");
        var key = ClusterFixture.Key("anything");
        var tag = $"t-{Guid.NewGuid():N}";

        await other.Cache.SetAsync(key, 1, cancellationToken: TestContext.Current.CancellationToken);
        await other.Cache.InvalidateByTagAsync(tag, TestContext.Current.CancellationToken);

        var keyLine = await watch.LineAsync(l => l.Contains(key, StringComparison.Ordinal));
        var tagLine = await watch.LineAsync(l => l.Contains(tag, StringComparison.Ordinal));
        await EveryPartitionDeliveredAsync(watch, other, ClusterFixture.Key("marker") + ":");
        Assert.Single(watch.Out.Lines, l => l.Contains(tag, StringComparison.Ordinal));
        using var keyJson = JsonDocument.Parse(keyLine);
        Assert.Equal("key", keyJson.RootElement.GetProperty("kind").GetString());
        Assert.Equal(key, keyJson.RootElement.GetProperty("target").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+$", keyJson.RootElement.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Null, keyJson.RootElement.GetProperty("reason").ValueKind);
        using var tagJson = JsonDocument.Parse(tagLine);
        Assert.Equal("tag", tagJson.RootElement.GetProperty("kind").GetString());
        Assert.Equal(0, await watch.StopAsync());
    }

    /// <summary>
    /// Invalidates one key in each partition and waits for all of them: each feed delivers in order, so everything
    /// published to every feed before has been printed too.
    /// </summary>
    private static async Task EveryPartitionDeliveredAsync(RunningCli watch, OrleansCacheTestClient other, string prefix)
    {
        var markers = Enumerable.Range(0, CachePartitions.Count)
            .Select(partition => Enumerable.Range(0, int.MaxValue).Select(i => $"{prefix}marker-{i}").First(k => CachePartitions.Of(k) == partition))
            .ToArray();
        await other.Cache.InvalidateAsync(markers, TestContext.Current.CancellationToken);
        foreach (var marker in markers)
        {
            await watch.LineAsync(l => l.Contains($" {marker} ", StringComparison.Ordinal) || l.Contains($"\"{marker}\"", StringComparison.Ordinal));
        }
    }
}
