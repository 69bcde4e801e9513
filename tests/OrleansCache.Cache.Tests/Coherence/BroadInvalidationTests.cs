using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class BroadInvalidationTests
{
    [Fact]
    public async Task Pattern_DropsMatchingEntriesOnEveryClient_AndNothingElse()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var clients = await CacheClusters.ClientsAsync(cluster, 3);
        var id = Guid.NewGuid().ToString("N");
        string[] matching = [$"feed:{id}:1", $"feed:{id}:2", $"feed:{id}:sub:3"];
        string[] other = [$"feed:{id}x:1", $"user:{id}", $"feed:{id}"];
        await FillEverywhereAsync(clients, matching.Concat(other));

        var watches = clients.Select(c => new Watch(c.Cache)).ToList();
        var count = await clients[0].Cache.InvalidateByPatternAsync($"feed:{id}:*", TestContext.Current.CancellationToken);
        await Task.WhenAll(watches.Select(w => w.ForAsync(e => e.Kind == CacheInvalidationKind.Pattern)));

        Assert.Equal(3, count);
        AssertDroppedEverywhere(clients, matching, other);
        watches.ForEach(w => w.Dispose());
    }

    [Fact]
    public async Task Tag_DropsTaggedEntriesOnEveryClient_AndNothingElse()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var clients = await CacheClusters.ClientsAsync(cluster, 3);
        var tag = $"tenant:{Guid.NewGuid():N}";
        var tagged = Enumerable.Range(0, 4).Select(i => CacheClusters.Key($"order{i}")).ToArray();
        var untagged = Enumerable.Range(0, 3).Select(i => CacheClusters.Key($"order{i}")).ToArray();
        foreach (var key in tagged)
        {
            await clients[0].Cache.SetAsync(key, "v", new CacheEntryOptions { Tags = [tag, "other"] }, TestContext.Current.CancellationToken);
        }

        await FillEverywhereAsync(clients, untagged);
        foreach (var client in clients)
        {
            foreach (var key in tagged)
            {
                await client.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken);
            }
        }

        var watches = clients.Select(c => new Watch(c.Cache)).ToList();
        var count = await clients[1].Cache.InvalidateByTagAsync(tag, TestContext.Current.CancellationToken);
        await Task.WhenAll(watches.Select(w => w.ForAsync(e => e.Kind == CacheInvalidationKind.Tag)));

        Assert.Equal(4, count);
        AssertDroppedEverywhere(clients, tagged, untagged);
        watches.ForEach(w => w.Dispose());
    }

    [Fact]
    public async Task Batch_DropsThoseKeysOnEveryClient_AndNothingElse()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var clients = await CacheClusters.ClientsAsync(cluster, 3);
        var keys = Enumerable.Range(0, 6).Select(i => CacheClusters.Key($"b{i}")).ToArray();
        await FillEverywhereAsync(clients, keys);

        var watches = clients.Skip(1).Select(c => new Watch(c.Cache)).ToList();
        await clients[0].Cache.InvalidateAsync(keys.Take(3), TestContext.Current.CancellationToken);
        await Task.WhenAll(watches.SelectMany(w => keys.Take(3).Select(w.ForKeyAsync)));

        AssertDroppedEverywhere(clients, keys.Take(3), keys.Skip(3));
        watches.ForEach(w => w.Dispose());
    }

    [Fact]
    public async Task All_DropsEverythingOnEveryClient()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var clients = await CacheClusters.ClientsAsync(cluster, 3);
        var keys = Enumerable.Range(0, 5).Select(i => CacheClusters.Key($"a{i}")).ToArray();
        await FillEverywhereAsync(clients, keys);

        var watches = clients.Select(c => new Watch(c.Cache)).ToList();
        var count = await clients[2].Cache.InvalidateAllAsync(TestContext.Current.CancellationToken);
        await Task.WhenAll(watches.Select(w => w.ForAsync(e => e.Kind == CacheInvalidationKind.All)));

        Assert.Equal(keys.Length, count);
        AssertDroppedEverywhere(clients, keys, []);
        foreach (var key in keys)
        {
            Assert.False((await clients[0].Cache.TryGetAsync<string>(key, TestContext.Current.CancellationToken)).Found);
        }

        watches.ForEach(w => w.Dispose());
    }

    [Fact]
    public async Task Pattern_ArrivesThroughEveryPartition_ButIsAppliedAndReportedOnce()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var (writer, reader) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken));
        // One key per partition that the reader holds: a change of each, made after the pattern, arrives after the
        // pattern's copy in that partition (each feed keeps order).
        var markers = Enumerable.Range(0, Grains.Interfaces.CachePartitions.Count)
            .Select(p => Enumerable.Range(0, 100_000).Select(i => $"marker:{Guid.NewGuid():N}:{i}").First(k => Grains.Interfaces.CachePartitions.Of(k) == p)).ToList();
        await FillEverywhereAsync([writer, reader], markers);
        using var watch = new Watch(reader.Cache);

        await writer.Cache.InvalidateByPatternAsync($"nothing:{Guid.NewGuid():N}:*", TestContext.Current.CancellationToken);
        foreach (var marker in markers)
        {
            await writer.Cache.SetAsync(marker, "changed", cancellationToken: TestContext.Current.CancellationToken);
        }

        await Task.WhenAll(markers.Select(watch.ForKeyAsync));
        Assert.Equal(1, watch.Count(e => e.Kind == CacheInvalidationKind.Pattern));
    }

    private static async Task FillEverywhereAsync(List<OrleansCacheTestClient> clients, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            await clients[0].Cache.SetAsync(key, $"value of {key}", cancellationToken: TestContext.Current.CancellationToken);
            foreach (var client in clients)
            {
                Assert.Equal($"value of {key}", await client.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
            }
        }
    }

    private static void AssertDroppedEverywhere(IEnumerable<OrleansCacheTestClient> clients, IEnumerable<string> dropped, IEnumerable<string> kept)
    {
        foreach (var client in clients)
        {
            Assert.All(dropped, k => Assert.False(client.Serves(k), $"{k} should have been dropped."));
            Assert.All(kept, k => Assert.True(client.Serves(k), $"{k} should have been kept."));
        }
    }
}
