using System.Text.Json;
using OrleansCache.Cli.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

[Collection(SharedCluster.Name)]
public sealed class StatsCommandTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Stats_HitsAndMissesMoveWithReads_PerSiloAndInTotal()
    {
        var key = ClusterFixture.Key();
        await fixture.Cluster.Cache.SetAsync(key, "v", cancellationToken: TestContext.Current.CancellationToken);
        var before = await TotalsAsync();

        // Each get reaches the key's grain: one hit, one miss (the classes of this collection run one at a time).
        Assert.Equal(0, (await Tool.RunAsync([.. fixture.Connection, "get", key])).ExitCode);
        Assert.Equal(3, (await Tool.RunAsync([.. fixture.Connection, "get", ClusterFixture.Key()])).ExitCode);
        var after = await TotalsAsync();
        var text = await Tool.RunAsync([.. fixture.Connection, "stats"]);

        Assert.Equal(before.Hits + 1, after.Hits);
        Assert.Equal(before.Misses + 1, after.Misses);
        Assert.True(after.Calls > before.Calls);
        Assert.NotNull(after.P99);
        Assert.Equal(0, text.ExitCode);
        Assert.StartsWith("SILO", text.OutLines[0], StringComparison.Ordinal);
        Assert.Contains("HIT RATIO", text.OutLines[0], StringComparison.Ordinal);
        Assert.Equal(5, text.OutLines.Count);
        Assert.StartsWith("total", text.OutLines[^1], StringComparison.Ordinal);
    }

    private async Task<(long Hits, long Misses, long Calls, double? P99)> TotalsAsync()
    {
        var result = await Tool.RunAsync([.. fixture.Connection, "stats", "--json"]);
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var silos = json.RootElement.GetProperty("silos").EnumerateArray().ToList();
        Assert.Equal(3, silos.Count);
        Assert.All(silos, s => Assert.Equal(JsonValueKind.Null, s.GetProperty("error").ValueKind));
        var total = json.RootElement.GetProperty("total");
        var hits = total.GetProperty("readHits").GetInt64();
        Assert.Equal(silos.Sum(s => s.GetProperty("readHits").GetInt64()), hits);
        var p99 = total.GetProperty("callP99Ms");
        return (hits, total.GetProperty("readMisses").GetInt64(), total.GetProperty("callsHandled").GetInt64(), p99.ValueKind == JsonValueKind.Null ? null : p99.GetDouble());
    }
}
