using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

/// <summary>
/// Bulk invalidations over 10,000 keys: the tool shows each silo's progress as the cluster reports it while it works,
/// rising to the count it prints at the end.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class BulkProgressTests(ClusterFixture fixture)
{
    private const int KeyCount = 10_000;

    [Fact]
    public async Task InvalidatePattern_Over10000Keys_PrintsProgressPerSiloRisingToTheFinalCount_ThenTheCount()
    {
        var prefix = ClusterFixture.Key("bulk");
        await FillAsync(prefix, KeyCount);

        var result = await Tool.RunAsync([.. fixture.Connection, "invalidate", "--pattern", $"{prefix}:*", "--progress"]);
        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches($"^invalidated {KeyCount} keys matching '{Regex.Escape(prefix)}:\\*' in [0-9.]+(ms|s)$", Assert.Single(result.OutLines));
        var lines = ProgressLines.AssertRiseTo(result.ErrorLines, $"invalidating keys matching '{prefix}:*' on every silo ...", KeyCount, SiloNames());
        // Per silo: the keys whose partitions each silo hosts, as the cluster places them.
        var expected = Enumerable.Range(0, KeyCount).GroupBy(i => fixture.Cluster.OwnerOf($"{prefix}:{i}").Name).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected, lines[^1].Silos.ToDictionary(s => s.Key, s => s.Value.Total));
        Assert.All(lines[^1].Silos.Values, s => Assert.Equal(s.Total, s.Done));
        Assert.False((await StoredAsync($"{prefix}:{KeyCount - 1}")).Found);
    }

    [Fact]
    public async Task BuiltTool_InvalidateTagJson_ExitsZero_JsonParses_AndProgressReachesItsCount()
    {
        // The built tool as a shell runs it; fewer keys than above, which already shows 10,000 (the fill is the slow part).
        const int Tagged = 2_000;
        var tag = $"bulk-{Guid.NewGuid():N}";
        await FillAsync(ClusterFixture.Key("tagged"), Tagged, tag);

        var result = await ToolProcess.RunAsync([.. fixture.Connection, "invalidate", "--tag", tag, "--json", "--progress"]);
        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(["action", "kind", "target", "count", "elapsedMs"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("invalidated", root.GetProperty("action").GetString());
        Assert.Equal("tag", root.GetProperty("kind").GetString());
        Assert.Equal(tag, root.GetProperty("target").GetString());
        Assert.Equal(Tagged, root.GetProperty("count").GetInt64());
        Assert.True(root.GetProperty("elapsedMs").GetDouble() > 0);
        ProgressLines.AssertRiseTo(result.ErrorLines, $"invalidating keys tagged '{tag}' on every silo ...", Tagged, SiloNames());
    }

    /// <summary>Stores <paramref name="count"/> keys <c>PREFIX:0</c>... through the cluster, many at once.</summary>
    private async Task FillAsync(string prefix, int count, string? tag = null)
    {
        var watch = Stopwatch.StartNew();
        var options = new Client.CacheEntryOptions { Tags = tag is null ? [] : [tag] };
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
            await fixture.Cluster.Cache.SetAsync($"{prefix}:{i}", i, options, ct));
        TestContext.Current.TestOutputHelper?.WriteLine($"Stored {count} keys in {watch.Elapsed}.");
    }

    private string[] SiloNames() => [.. fixture.Cluster.Silos.Select(s => s.Name)];

    private Task<CacheEntry> StoredAsync(string key) => fixture.Cluster.Client.GetGrain<ICacheEntryGrain>(key).GetAsync(Guid.Empty).AsTask();
}
