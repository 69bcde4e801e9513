using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cache.Tests.Bulk;

/// <summary>
/// <see cref="IBulkInvalidationGrain"/>: the coordinator's pattern, tag and "all" invalidations, reported while they
/// work, per silo that hosts the keys' partitions, ending with the coordinator's count.
/// </summary>
public sealed class BulkInvalidationProgressTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Pattern_ReportsEachSilosKeys_RisingToTheTotal_AndEndsWithTheCoordinatorsCount()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var prefix = CacheClusters.Key("bulk");
        var keys = Enumerable.Range(0, 300).Select(i => $"{prefix}:{i}").ToArray();
        await SetAllAsync(cluster, keys);
        var other = $"{prefix}-other";
        await cluster.Cache.SetAsync(other, "kept", cancellationToken: TestContext.Current.CancellationToken);
        var listener = await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var watch = new Watch(listener.Cache);

        var reports = await ReadAllAsync(Bulk(cluster).InvalidatePatternAsync($"{prefix}:*"));

        // First, while the keys are collected: no silos yet.
        Assert.Empty(reports[0].Silos);
        Assert.Null(reports[0].Count);
        // Then each silo's keys: those whose partition it hosts, never going back.
        var expected = keys.GroupBy(k => cluster.OwnerOf(k).SiloAddress.ToParsableString()).ToDictionary(g => g.Key, g => (long)g.Count());
        foreach (var report in reports.Skip(1))
        {
            Assert.Equal(expected, report.Silos.ToDictionary(s => s.Silo, s => s.Total));
            Assert.All(report.Silos, s => Assert.InRange(s.Done, 0, s.Total));
        }

        foreach (var (earlier, later) in reports.Skip(1).Zip(reports.Skip(2)))
        {
            Assert.All(later.Silos, s => Assert.True(s.Done >= earlier.Silos.Single(e => e.Silo == s.Silo).Done, $"{s.Silo} went back."));
        }

        Assert.All(reports.SkipLast(1), r => Assert.False(r.IsCompleted));
        var last = reports[^1];
        Assert.Equal(keys.Length, last.Count);
        Assert.Equal(keys.Length, last.Done);
        Assert.Equal(keys.Length, last.Total);
        Assert.All(last.Silos, s => Assert.False(string.IsNullOrEmpty(s.Name)));
        // Done as the coordinator does it: the keys are gone, others kept, and clients hear of the pattern.
        Assert.False((await StoredAsync(cluster, keys[7])).Found);
        Assert.True((await StoredAsync(cluster, other)).Found);
        await watch.ForAsync(e => e.Kind == CacheInvalidationKind.Pattern && e.Target == $"{prefix}:*");

        // The coordinator counts the same keys the same way.
        await SetAllAsync(cluster, keys);
        Assert.Equal(last.Count, await cluster.Client.GetGrain<ICacheCoordinatorGrain>(0).InvalidatePatternAsync($"{prefix}:*"));
    }

    [Fact]
    public async Task TagAndAll_EndWithTheCountOfKeysThatHeldAValue()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var tag = $"tenant:{Guid.NewGuid():N}";
        var tagged = Enumerable.Range(0, 40).Select(i => CacheClusters.Key($"t{i}")).ToArray();
        var untagged = Enumerable.Range(0, 10).Select(i => CacheClusters.Key($"u{i}")).ToArray();
        await SetAllAsync(cluster, tagged, new CacheEntryOptions { Tags = [tag] });
        await SetAllAsync(cluster, untagged);

        var byTag = await ReadAllAsync(Bulk(cluster).InvalidateTagAsync(tag));
        var all = await ReadAllAsync(Bulk(cluster).InvalidateAllAsync());

        Assert.Equal(tagged.Length, byTag[^1].Count);
        Assert.Equal(tagged.Length, byTag[^1].Done);
        Assert.Equal(untagged.Length, all[^1].Count);
        // "All" also invalidates live activations without a value (the tagged keys' grains are still active).
        Assert.True(all[^1].Done >= untagged.Length, $"{all[^1].Done} keys invalidated.");
        Assert.Equal(all[^1].Total, all[^1].Done);
        Assert.False((await StoredAsync(cluster, untagged[0])).Found);
    }

    [Fact]
    public async Task WhileAKeyIsStillBeingInvalidated_TheReportShowsTheOthersDone_AndTheEndWaitsForIt()
    {
        var prefix = CacheClusters.Key("gated");
        var keys = Enumerable.Range(0, 60).Select(i => $"{prefix}:{i}").ToArray();
        var gate = new GatedStorage.Gate(keys[13]);
        await using var cluster = await CacheClusters.StartAsync(silos: 2, o => o.ConfigureSilo = s =>
            s.Services.AddSingleton<ICacheEntryStorage>(sp => new GatedStorage(new InMemoryCacheEntryStorage(sp.GetRequiredService<IGrainFactory>()), gate)));
        await SetAllAsync(cluster, keys);
        var heldOn = cluster.OwnerOf(gate.Key).SiloAddress.ToParsableString();

        using var timeout = new CancellationTokenSource(Limit);
        var reports = new List<BulkInvalidationProgress>();
        await using var stream = Bulk(cluster).InvalidatePatternAsync($"{prefix}:*").GetAsyncEnumerator(timeout.Token);
        while (await stream.MoveNextAsync())
        {
            reports.Add(stream.Current);
            if (stream.Current.Done == keys.Length - 1)
            {
                break;
            }
        }

        var middle = reports[^1];
        Assert.Null(middle.Count);
        var held = middle.Silos.Single(s => s.Silo == heldOn);
        Assert.Equal(held.Total - 1, held.Done);
        Assert.All(middle.Silos.Where(s => s.Silo != heldOn), s => Assert.Equal(s.Total, s.Done));

        gate.Opened.SetResult();
        while (await stream.MoveNextAsync())
        {
            reports.Add(stream.Current);
        }

        Assert.Equal(keys.Length, reports[^1].Count);
        Assert.Equal(keys.Length, reports[^1].Done);
    }

    private static IBulkInvalidationGrain Bulk(OrleansCacheTestCluster cluster) => cluster.Client.GetGrain<IBulkInvalidationGrain>(Guid.NewGuid());

    private static async Task<List<BulkInvalidationProgress>> ReadAllAsync(IAsyncEnumerable<BulkInvalidationProgress> stream)
    {
        using var timeout = new CancellationTokenSource(Limit);
        var reports = new List<BulkInvalidationProgress>();
        await foreach (var report in stream.WithCancellation(timeout.Token))
        {
            reports.Add(report);
        }

        return reports;
    }

    private static Task SetAllAsync(OrleansCacheTestCluster cluster, IEnumerable<string> keys, CacheEntryOptions? options = null) =>
        Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = TestContext.Current.CancellationToken }, async (key, ct) =>
            await cluster.Cache.SetAsync(key, $"value of {key}", options, ct));

    private static Task<CacheEntry> StoredAsync(OrleansCacheTestCluster cluster, string key) => cluster.Client.GetGrain<ICacheEntryGrain>(key).GetAsync(Guid.Empty).AsTask();
}
