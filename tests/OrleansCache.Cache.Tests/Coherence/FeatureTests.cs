using OrleansCache.TestSupport.Waiting;
using OrleansCache.TestSupport.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class FeatureTests
{
    [Fact]
    public async Task AddOrleansCacheClient_InAHost_GivesIDistributedCache_ThatSetsGetsAndRemovesAcrossClients()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOrleansCacheClient(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
            o.Gateways.Add(cluster.Silos[0].GatewayAddress.Endpoint.ToString());
        });
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var distributed = host.Services.GetRequiredService<IDistributedCache>();
        var key = CacheClusters.Key("session");

        await distributed.SetAsync(key, [1, 2, 3], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) }, TestContext.Current.CancellationToken);

        Assert.Equal([1, 2, 3], await distributed.GetAsync(key, TestContext.Current.CancellationToken));
        Assert.Equal([1, 2, 3], distributed.Get(key));
        Assert.Equal([1, 2, 3], (await cluster.Client.GetGrain<ICacheEntryGrain>(key).GetAsync(Guid.Empty)).Value);
        await distributed.RemoveAsync(key, TestContext.Current.CancellationToken);
        Assert.Null(await distributed.GetAsync(key, TestContext.Current.CancellationToken));
        Assert.Same(host.Services.GetRequiredService<IOrleansCache>(), host.Services.GetRequiredService<IOrleansCache>());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Ttl_ExpiresInClusterAndNearCache_DrivenByAFakeClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await CacheClusters.StartAsync(silos: 1, o =>
        {
            o.TimeProvider = clock;
            // Advancing the clock by minutes must not look like feed silence to the client.
            o.ConfigureClient = c => c.FeedSilenceTimeout = TimeSpan.FromHours(1);
        });
        var client = cluster.DefaultClient;
        var key = CacheClusters.Key();
        await client.Cache.SetAsync(key, "short-lived", new CacheEntryOptions { Ttl = TimeSpan.FromMinutes(1) }, TestContext.Current.CancellationToken);
        await client.Cache.SetAsync(key + ":long", "long-lived", new CacheEntryOptions { Ttl = TimeSpan.FromMinutes(10) }, TestContext.Current.CancellationToken);
        Assert.True(client.Serves(key));

        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.False(client.Serves(key));
        Assert.True(client.Serves(key + ":long"));
        Assert.False((await client.Client.GetGrain<ICacheEntryGrain>(key).GetAsync(Guid.Empty)).Found);
        Assert.False((await client.Cache.TryGetAsync<string>(key, TestContext.Current.CancellationToken)).Found);
        Assert.Equal("long-lived", await client.Cache.GetAsync<string>(key + ":long", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Versions_GrowAcrossDeactivation_AndTheValueSurvivesIt()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var key = CacheClusters.Key();
        var grain = cluster.Client.GetGrain<ICacheEntryGrain>(key);
        var first = await grain.SetAsync([1], CacheWriteOptions.Default, Guid.Empty);

        await cluster.DeactivateAsync(grain, TestContext.Current.CancellationToken);
        var afterDeactivation = await grain.GetAsync(Guid.Empty);
        var second = await grain.SetAsync([2], CacheWriteOptions.Default, Guid.Empty);
        await cluster.DeactivateAsync(grain, TestContext.Current.CancellationToken);
        await grain.InvalidateAsync();
        await cluster.DeactivateAsync(grain, TestContext.Current.CancellationToken);
        var third = await grain.SetAsync([3], CacheWriteOptions.Default, Guid.Empty);

        Assert.Equal(first, afterDeactivation.Version);
        Assert.Equal([1], afterDeactivation.Value);
        Assert.True(second > first, $"{second} should be later than {first}.");
        Assert.True(third > second, $"{third} should be later than {second}, across a deletion and a deactivation.");
    }

    [Fact]
    public async Task BroadcastClient_HearsEveryChangeUnderItsPrefix_TrackingClientOnlyWhatItRead()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var prefix = $"price:{Guid.NewGuid():N}:";
        var broadcast = await cluster.CreateClientAsync(o => o.BroadcastPrefixes.Add(prefix), TestContext.Current.CancellationToken);
        var tracking = await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        await broadcast.WaitUntilSubscribedAsync();
        using var broadcastWatch = new Watch(broadcast.Cache);
        using var trackingWatch = new Watch(tracking.Cache);
        var readByTracking = prefix + "read";
        // In the same partition, so the feed sends them to each subscriber in the order they were written.
        var neverRead = Enumerable.Range(0, 10_000).Select(i => $"{prefix}never-read:{i}").First(k => CachePartitions.Of(k) == CachePartitions.Of(readByTracking));
        await tracking.Cache.GetAsync<string>(readByTracking, TestContext.Current.CancellationToken);

        await cluster.Cache.SetAsync(neverRead, 1, cancellationToken: TestContext.Current.CancellationToken);
        await cluster.Cache.SetAsync(readByTracking, 2, cancellationToken: TestContext.Current.CancellationToken);

        await broadcastWatch.ForKeyAsync(neverRead);
        await broadcastWatch.ForKeyAsync(readByTracking);
        await trackingWatch.ForKeyAsync(readByTracking);
        Assert.False(trackingWatch.Saw(e => e.Target == neverRead), "A tracking client heard of a key it never touched.");
    }

    [Fact]
    public async Task BroadcastClient_WithEmptyPrefix_HearsEveryKey()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var everything = await cluster.CreateClientAsync(o => o.BroadcastPrefixes.Add(string.Empty), TestContext.Current.CancellationToken);
        await everything.WaitUntilSubscribedAsync();
        using var watch = new Watch(everything.Cache);
        var keys = new[] { CacheClusters.Key("user"), CacheClusters.Key("order"), "x" + Guid.NewGuid().ToString("N") };

        foreach (var key in keys)
        {
            await cluster.Cache.SetAsync(key, 1, cancellationToken: TestContext.Current.CancellationToken);
        }

        foreach (var key in keys)
        {
            await watch.ForKeyAsync(key);
        }
    }

    [Fact]
    public async Task FeedTrackingLimit_EndsTheSubscription_ClientDropsThePartition_AndStillHearsWhatItReadsNext()
    {
        // 100 keys per partition (the floor) for every client.
        await using var cluster = await CacheClusters.StartAsync(silos: 1, o => o.ConfigureCache = c => c.ConfigureOptions(s => s.MaxTrackedKeysPerClient = 100));
        var client = await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        var partition = CachePartitions.Of("t:0");
        var keys = Enumerable.Range(0, 100_000).Select(i => $"t:{i}").Where(k => CachePartitions.Of(k) == partition).Take(101).ToList();
        foreach (var key in keys)
        {
            await cluster.Cache.SetAsync(key, key, cancellationToken: TestContext.Current.CancellationToken);
        }

        var before = client.Impl().Feeds.StateOf(partition).Subscription;
        foreach (var key in keys.Take(100))
        {
            await client.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken);
        }

        Assert.True(client.Serves(keys[0]));

        // The 101st key is more than the feed tracks for one subscriber: the subscription ends, and rather than register
        // every key again the client starts the partition over, so nothing it holds goes untracked.
        await client.Cache.GetAsync<string>(keys[100], TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => client.Impl().Feeds.StateOf(partition) is { Live: true } state && state.Subscription != before, "the client subscribed anew", cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(client.Near().TryPeek(keys[0], out _));

        Assert.Equal(keys[0], await client.Cache.GetAsync<string>(keys[0], TestContext.Current.CancellationToken));
        using var watch = new Watch(client.Cache);
        await cluster.Cache.SetAsync(keys[0], "changed", cancellationToken: TestContext.Current.CancellationToken);
        await watch.ForAsync(e => e.Target == keys[0] && e.Dropped == 1);
    }

    [Fact]
    public async Task Metrics_CountHitsMissesAndFactoryRuns()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 1);
        using var totals = new MetricTotals("OrleansCache.Client", scopes: [cluster.DefaultClient.Services.GetService<System.Diagnostics.Metrics.IMeterFactory>()]);
        var key = CacheClusters.Key();

        await cluster.Cache.GetOrCreateAsync(key, _ => Task.FromResult("v"), cancellationToken: TestContext.Current.CancellationToken);
        await cluster.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken);

        Assert.Equal(1, totals.Get("orleanscache.client.factory_runs"));
        Assert.Equal(1, totals.Get("orleanscache.client.near_cache.hits"));
        Assert.Equal(1, totals.Get("orleanscache.client.near_cache.misses"));
    }
}
