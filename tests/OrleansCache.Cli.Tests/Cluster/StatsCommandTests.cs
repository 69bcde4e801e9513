using System.Text.Json;
using OrleansCache.Cli.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

/// <summary>
/// <c>stats</c> against the silos' <c>ICacheClusterGrain</c> (the cluster grain of src/Grains reports every silo's cache
/// figures).
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class StatsCommandTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Stats_ShowsEverySilo_AndHitsAndMissesMoveWithReads_PerSiloAndInTotal()
    {
        var key = ClusterFixture.Key();
        await fixture.Cluster.Cache.SetAsync(key, "v", cancellationToken: TestContext.Current.CancellationToken);
        var before = await TotalsAsync();

        // Each tool get reaches the key's grain (the tool has no near-cache copy): one hit, one miss. The classes of
        // this collection run one at a time, so nothing else reads meanwhile.
        Assert.Equal(0, (await Tool.RunAsync([.. fixture.Connection, "get", key])).ExitCode);
        Assert.Equal(3, (await Tool.RunAsync([.. fixture.Connection, "get", ClusterFixture.Key()])).ExitCode);
        var after = await TotalsAsync();
        var text = await Tool.RunAsync([.. fixture.Connection, "stats"]);

        Assert.Equal(before.Hits + 1, after.Hits);
        Assert.Equal(before.Misses + 1, after.Misses);
        Assert.True(after.Published >= before.Published);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.StartsWith("SILO", text.OutLines[0], StringComparison.Ordinal);
        Assert.Contains("HIT RATIO", text.OutLines[0], StringComparison.Ordinal);
        Assert.Equal(5, text.OutLines.Count);
        foreach (var silo in fixture.Cluster.Silos)
        {
            Assert.Contains(text.OutLines, l => l.StartsWith(silo.SiloAddress.ToParsableString(), StringComparison.Ordinal));
        }

        Assert.StartsWith("total", text.OutLines[^1], StringComparison.Ordinal);
    }

    private async Task<(long Hits, long Misses, long Published)> TotalsAsync()
    {
        var result = await Tool.RunAsync([.. fixture.Connection, "stats", "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var silos = json.RootElement.GetProperty("silos").EnumerateArray().ToList();
        Assert.Equal(fixture.Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).Order(), silos.Select(s => s.GetProperty("silo").GetString()).Order());
        Assert.All(silos, s => Assert.Equal(JsonValueKind.Null, s.GetProperty("error").ValueKind));
        var total = json.RootElement.GetProperty("total");
        var hits = total.GetProperty("readHits").GetInt64();
        Assert.Equal(silos.Sum(s => s.GetProperty("readHits").GetInt64()), hits);
        return (hits, total.GetProperty("readMisses").GetInt64(), total.GetProperty("invalidationsPublished").GetInt64());
    }
}
