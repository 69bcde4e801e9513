using OrleansCache.TestSupport.Waiting;
using OrleansCache.TestSupport.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

/// <summary>
/// Each way a client can miss an invalidation (G3): in each, the client stops serving the affected entries, and after
/// revalidating serves the unchanged ones again and drops the changed ones.
/// </summary>
public sealed class MissedInvalidationTests
{
    [Fact]
    public async Task BatchLost_TheNextBatchShowsTheGap_PartitionRevalidated()
    {
        var hooks = new FeedTestHooks();
        await using var cluster = await StartAsync(hooks);
        var (writer, reader) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken));
        var (changed, unchanged) = await HoldTwoKeysOfOnePartitionAsync(writer, reader);
        var subscription = reader.Impl().Feeds.StateOf(CachePartitions.Of(changed)).Subscription;
        var withheld = 0;
        hooks.Withhold = d => d.Subscription == subscription && d.Items.Any(i => i.Target == changed) && Interlocked.Exchange(ref withheld, 1) == 0;

        await writer.Cache.SetAsync(changed, "v2", cancellationToken: TestContext.Current.CancellationToken);

        // The lost batch is noticed by the next one (a heartbeat at the latest).
        await AssertRevalidatedAsync(reader, changed, unchanged);
        Assert.Equal(1, withheld);
    }

    [Fact]
    public async Task FeedFallsSilent_SilenceDetected_PartitionRevalidated()
    {
        var hooks = new FeedTestHooks();
        await using var cluster = await StartAsync(hooks);
        var (writer, reader) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken));
        var (changed, unchanged) = await HoldTwoKeysOfOnePartitionAsync(writer, reader);
        var subscription = reader.Impl().Feeds.StateOf(CachePartitions.Of(changed)).Subscription;

        // Nothing more reaches the reader on this subscription: no batch, no heartbeat.
        hooks.Withhold = d => d.Subscription == subscription;
        await writer.Cache.SetAsync(changed, "v2", cancellationToken: TestContext.Current.CancellationToken);

        await AssertRevalidatedAsync(reader, changed, unchanged);
        Assert.NotEqual(subscription, reader.Impl().Feeds.StateOf(CachePartitions.Of(changed)).Subscription);
    }

    [Fact]
    public async Task BatchFromAnotherFeedEpoch_PartitionResubscribedAndRevalidated_UnchangedKept()
    {
        await using var cluster = await StartAsync(hooks: null);
        var (writer, reader) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken));
        var (first, second) = await HoldTwoKeysOfOnePartitionAsync(writer, reader);
        var partition = CachePartitions.Of(first);
        var state = reader.Impl().Feeds.StateOf(partition);
        var revalidated = reader.NextRevalidationAsync();
        var trusted = reader.Near().TrustEpoch(partition);

        var confirmed = reader.Impl().Feeds.OnDelivery(new InvalidationDelivery(partition, state.Subscription, state.Epoch + 1, state.NextSequence, [], 0, Closing: false));

        // The delivery itself stops the partition's entries being served (a new trust epoch, before it returns); the
        // resynchronization it starts may serve them again within milliseconds, so "not served" is not what to check.
        Assert.Equal(-1, confirmed);
        Assert.True(reader.Near().TrustEpoch(partition) > trusted, "A batch of another epoch must stop the partition being served at once.");
        Assert.Equal((2, 0), await revalidated);
        Assert.True(reader.Serves(first) && reader.Serves(second));
        Assert.NotEqual(state.Subscription, reader.Impl().Feeds.StateOf(partition).Subscription);
    }

    [Fact]
    public async Task FeedsSiloKilled_ItsPartitionsRevalidated_OtherPartitionsKept()
    {
        await using var cluster = await StartAsync(hooks: null);
        var (writer, reader) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken));
        // Silos that host partitions (one may host none); the victim is not the first silo, which keeps the membership.
        var hosts = cluster.PartitionHosts();
        var victim = hosts.Last(s => s != cluster.Silos[0]);
        var lost = cluster.KeyOwnedBy(victim);
        var kept = cluster.KeyOwnedBy(hosts.First(s => s != victim));
        foreach (var key in new[] { lost, kept })
        {
            await writer.Cache.SetAsync(key, "v1", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("v1", await reader.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
        }

        await cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);

        // The lost partition's feed and in-memory store died with the silo: its entry changed (to missing); the
        // other key did not, and is served again once revalidated.
        await Eventually.TrueAsync(() => !reader.Near().TryPeek(lost, out _), "the dead silo's key is dropped", cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => reader.Serves(kept), "the unchanged key is served again", cancellationToken: TestContext.Current.CancellationToken);
        Assert.False((await reader.Cache.TryGetAsync<string>(lost, TestContext.Current.CancellationToken)).Found);
        using var watch = new Watch(reader.Cache);
        await writer.Cache.SetAsync(lost, "v2", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("v2", await reader.Cache.GetAsync<string>(lost, TestContext.Current.CancellationToken));
        await writer.Cache.SetAsync(lost, "v3", cancellationToken: TestContext.Current.CancellationToken);
        await watch.ForAsync(e => e.Target == lost && e.Dropped == 1);
    }

    [Fact]
    public async Task GatewayLost_EveryPartitionRevalidated_NothingUnchangedDropped()
    {
        await using var cluster = await StartAsync(hooks: null);
        var (writer, reader) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken));
        var victim = cluster.Silos[2];
        var keys = Enumerable.Range(0, 40).Select(i => CacheClusters.Key($"g{i}")).Where(k => !cluster.OwnerOf(k).SiloAddress.Equals(victim.SiloAddress)).Take(10).ToList();
        foreach (var key in keys)
        {
            await writer.Cache.SetAsync(key, "v1", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("v1", await reader.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
        }

        using var totals = new MetricTotals("OrleansCache.Client", tag: "reason", scopes: [reader.Services.GetService<System.Diagnostics.Metrics.IMeterFactory>()]);
        await cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);

        // Batches in flight through the lost gateway may be lost: every partition is revalidated; nothing changed.
        await totals.WhenAsync("orleanscache.client.revalidations", CachePartitions.Count, Watch.Timeout);
        await Eventually.TrueAsync(() => keys.All(reader.Serves), "every unchanged key is served again", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(totals.ByTag.GetValueOrDefault("gateway_lost") > 0, totals.DescribeByTag());
    }

    private static Task<OrleansCacheTestCluster> StartAsync(FeedTestHooks? hooks) =>
        CacheClusters.StartAsync(silos: 3, o =>
        {
            if (hooks is not null)
            {
                o.ConfigureSilo = s => s.Services.AddSingleton(hooks);
            }
        });

    /// <summary>Two keys of one partition, written by the writer and held by the reader.</summary>
    private static async Task<(string, string)> HoldTwoKeysOfOnePartitionAsync(OrleansCacheTestClient writer, OrleansCacheTestClient reader)
    {
        var first = CacheClusters.Key("m");
        var second = Enumerable.Range(0, 10_000).Select(i => $"{first}:{i}").First(k => CachePartitions.Of(k) == CachePartitions.Of(first));
        foreach (var key in new[] { first, second })
        {
            await writer.Cache.SetAsync(key, "v1", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("v1", await reader.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
            Assert.True(reader.Serves(key));
        }

        return (first, second);
    }

    private static async Task AssertRevalidatedAsync(OrleansCacheTestClient reader, string changed, string unchanged)
    {
        await Eventually.TrueAsync(() => !reader.Near().TryPeek(changed, out _), $"{changed} is dropped", cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => reader.Serves(unchanged), $"{unchanged} is served again", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("v2", await reader.Cache.GetAsync<string>(changed, TestContext.Current.CancellationToken));
    }
}
