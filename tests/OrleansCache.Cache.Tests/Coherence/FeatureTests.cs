using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Metrics;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class FeatureTests
{
    [Fact]
    public async Task DistributedCache_FromServiceCollection_SetsGetsAndRemovesAcrossClients()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var services = new ServiceCollection();
        services.AddOrleansCacheClient(o =>
        {
            o.ClusterId = cluster.Options.ClusterId;
            o.Gateways.Add(cluster.Silos[0].GatewayEndPoint);
        });
        await using var provider = services.BuildServiceProvider();
        var distributed = provider.GetRequiredService<IDistributedCache>();
        var key = CacheClusters.Key("session");

        await distributed.SetAsync(key, [1, 2, 3], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) }, TestContext.Current.CancellationToken);

        Assert.Equal([1, 2, 3], await distributed.GetAsync(key, TestContext.Current.CancellationToken));
        Assert.Equal([1, 2, 3], distributed.Get(key));
        Assert.Equal([1, 2, 3], await cluster.Cache.Cluster.GetGrain<ICacheEntryGrain>(key).GetAsync().ContinueWith(t => t.Result.Value, TestContext.Current.CancellationToken));
        await distributed.RemoveAsync(key, TestContext.Current.CancellationToken);
        Assert.Null(await distributed.GetAsync(key, TestContext.Current.CancellationToken));
        Assert.Same(provider.GetRequiredService<IOrleansCache>(), provider.GetRequiredService<IOrleansCache>());
    }

    [Fact]
    public async Task Ttl_ExpiresInClusterAndNearCache_DrivenByManualClock()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await CacheClusters.StartAsync(silos: 1, o =>
        {
            o.TimeProvider = clock;
            o.ConfigureSilo = s => s.ConfigureMessaging(m => m.Connection.KeepAliveInterval = Timeout.InfiniteTimeSpan);
        });
        var options = new OrleansCacheClientOptions { ClusterId = cluster.Options.ClusterId };
        options.Gateways.Add(cluster.Silos[0].GatewayEndPoint);
        options.Cluster.Connection.KeepAliveInterval = Timeout.InfiniteTimeSpan;
        await using var client = OrleansCacheFactory.Create(options, timeProvider: clock);
        var key = CacheClusters.Key();
        await client.SetAsync(key, "short-lived", new CacheEntryOptions { Ttl = TimeSpan.FromMinutes(1) }, TestContext.Current.CancellationToken);
        await client.SetAsync(key + ":long", "long-lived", new CacheEntryOptions { Ttl = TimeSpan.FromMinutes(10) }, TestContext.Current.CancellationToken);
        Assert.True(client.Serves(key));

        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.False(client.Serves(key));
        Assert.True(client.Serves(key + ":long"));
        Assert.False((await client.Cluster.GetGrain<ICacheEntryGrain>(key).GetAsync()).Found);
        Assert.False((await client.TryGetAsync<string>(key, TestContext.Current.CancellationToken)).Found);
        Assert.Equal("long-lived", await client.GetAsync<string>(key + ":long", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Versions_GrowAcrossIdleDeactivation()
    {
        var clock = new ManualTimeProvider();
        await using var cluster = await CacheClusters.StartAsync(silos: 1, o =>
        {
            o.TimeProvider = clock;
            o.ConfigureSilo = s => s
                .ConfigureGrainCollection(c => c.IdleTimeout = TimeSpan.FromMinutes(1))
                .ConfigureMessaging(m => m.Connection.KeepAliveInterval = Timeout.InfiniteTimeSpan);
        });
        var key = CacheClusters.Key();
        var grain = cluster.Client.GetGrain<ICacheEntryGrain>(key);
        var first = await grain.SetAsync([1], CacheWriteOptions.Default);
        var silo = cluster.Silos[0];

        clock.Advance(TimeSpan.FromMinutes(5));
        await silo.WaitForDeactivationAsync(new Core.GrainId("cache-entry", key), Watch.Timeout);
        var afterIdle = await grain.GetAsync();
        var second = await grain.SetAsync([2], CacheWriteOptions.Default);

        Assert.Equal(first, afterIdle.Version);
        Assert.Equal([1], afterIdle.Value);
        Assert.True(second > first, $"{second} should be later than {first}.");
    }

    [Fact]
    public async Task BroadcastClient_HearsEveryChangeUnderItsPrefix_TrackingClientOnlyWhatItRead()
    {
        // One silo: every push comes from one owner, in order, so "not received by now" is meaningful.
        await using var cluster = await CacheClusters.StartAsync(silos: 1);
        var prefix = $"price:{Guid.NewGuid():N}:";
        var broadcast = await cluster.CreateCacheClientAsync(configure: o => o.BroadcastPrefixes.Add(prefix), cancellationToken: TestContext.Current.CancellationToken);
        var tracking = await cluster.CreateCacheClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var broadcastWatch = new Watch(broadcast);
        using var trackingWatch = new Watch(tracking);
        var readByTracking = prefix + "read";
        await tracking.GetAsync<string>(readByTracking, TestContext.Current.CancellationToken);

        await broadcastWatch.UntilSubscribedAsync(cluster.Cache, prefix + "probe");
        await cluster.Cache.SetAsync(prefix + "never-read", 1, cancellationToken: TestContext.Current.CancellationToken);
        await cluster.Cache.SetAsync(readByTracking, 2, cancellationToken: TestContext.Current.CancellationToken);

        await broadcastWatch.ForKeyAsync(prefix + "never-read");
        await broadcastWatch.ForKeyAsync(readByTracking);
        await trackingWatch.ForKeyAsync(readByTracking);
        Assert.False(trackingWatch.Saw(e => e.Target == prefix + "never-read"), "A tracking client heard of a key it never touched.");
    }

    [Fact]
    public async Task BroadcastClient_WithEmptyPrefix_HearsEveryKey()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var everything = await cluster.CreateCacheClientAsync(configure: o => o.BroadcastPrefixes.Add(string.Empty), cancellationToken: TestContext.Current.CancellationToken);
        using var watch = new Watch(everything);
        await watch.UntilSubscribedAsync(cluster.Cache, CacheClusters.Key("probe"));
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
    public async Task GatewayTrackingLimit_EvictedKeysAreDroppedByTheClient()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 1, o => o.ConfigureSilo = s => s.AddCacheGrains(c => c.MaxTrackedKeysPerClient = 100));
        var client = await cluster.CreateCacheClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        var keys = Enumerable.Range(0, 150).Select(i => CacheClusters.Key($"t{i}")).ToList();
        foreach (var key in keys)
        {
            await cluster.Cache.SetAsync(key, key, cancellationToken: TestContext.Current.CancellationToken);
        }

        using var watch = new Watch(client);
        foreach (var key in keys)
        {
            await client.GetAsync<string>(key, TestContext.Current.CancellationToken);
        }

        // The first keys fell out of the gateway's tracking: the client was told to drop them, so none goes stale unseen.
        await watch.ForAsync(e => e.Target == keys[0] && e.Dropped == 1);
        Assert.False(client.Serves(keys[0]));
        Assert.True(client.Serves(keys[^1]));
    }

    [Fact]
    public async Task Metrics_CountHitsMissesAndFactoryRuns()
    {
        using var totals = new MetricTotals("OrleansCache.Client");
        await using var cluster = await CacheClusters.StartAsync(silos: 1);
        var key = CacheClusters.Key();

        await cluster.Cache.GetOrCreateAsync(key, _ => Task.FromResult("v"), cancellationToken: TestContext.Current.CancellationToken);
        await cluster.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken);

        Assert.True(totals.Get("orleanscache.client.factory_runs") >= 1);
        Assert.True(totals.Get("orleanscache.client.near_cache.hits") >= 1);
        Assert.True(totals.Get("orleanscache.client.near_cache.misses") >= 1);
    }

}
