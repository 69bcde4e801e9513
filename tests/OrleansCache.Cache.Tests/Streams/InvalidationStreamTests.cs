using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Providers;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Logging;
using OrleansCache.TestSupport.Metrics;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Cache.Tests.Streams;

/// <summary>Opt-in publication of the cluster's invalidations on Orleans streams (docs/streams.md), on memory streams.</summary>
public sealed class InvalidationStreamTests
{
    private const string Provider = "cache-events";

    [Fact]
    public async Task KeyEvents_ReachTheKeysImplicitSubscriber_InVersionOrder_AndBroadOnesTheBroadStream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(publish: true);
        var cache = cluster.Cache;
        var key = CacheClusters.Key("streamed");
        var other = CacheClusters.Key("streamed");
        var tag = $"tag-{Guid.NewGuid():N}";
        var tagged = new CacheEntryOptions { Tags = [tag] };

        await cache.SetAsync(key, "v1", tagged, ct);                 // 1: write
        await cache.SetAsync(key, "v2", tagged, ct);                 // 2: write
        await cache.RemoveAsync(key, ct);                            // 3: remove
        await cache.SetAsync(key, "v3", tagged, ct);                 // 4: write
        await cache.InvalidateAsync(key, ct);                        // 5: invalidate
        await cache.SetAsync(key, "v4", tagged, ct);                 // 6: write
        await cache.InvalidateByPatternAsync(key[..^4] + "*", ct);   // 7: the pattern, through the key's grain
        await cache.SetAsync(key, "v5", tagged, ct);                 // 8: write
        await cache.InvalidateByTagAsync(tag, ct);                   // 9: the tag, through the key's grain
        await cache.SetAsync(key, "v6", tagged, ct);                 // 10: write
        await cache.InvalidateAsync([key, other], ct);               // 11: a batch, one event a key
        await cache.SetAsync(key, "v7", tagged, ct);                 // 12: write
        await cache.InvalidateAllAsync(ct);                          // 13: all, through the key's grain

        var events = await EventsAsync(cluster, key, count: 13);
        Assert.All(events, e =>
        {
            Assert.Equal(InvalidationKind.Key, e.Kind);
            Assert.Equal(key, e.Target);
            Assert.Equal(0, e.Operation);
        });
        for (var i = 1; i < events.Length; i++)
        {
            Assert.True(events[i - 1].Version < events[i].Version, $"Event {i + 1} ({events[i].Version}) is not after event {i} ({events[i - 1].Version}).");
        }

        // The batch's other key: its own event, then "all" (its activation was live), on its own stream only.
        var otherEvents = await EventsAsync(cluster, other, count: 2);
        Assert.All(otherEvents, e => Assert.Equal(other, e.Target));
        Assert.True(otherEvents[0].Version < otherEvents[1].Version);

        // Pattern, tag and "all" themselves, once each, in the order they were made, with the clients' operation ids.
        var broad = await EventsAsync(cluster, CacheInvalidationEvent.BroadStreamKey, count: 3);
        Assert.Equal([InvalidationKind.Pattern, InvalidationKind.Tag, InvalidationKind.All], broad.Select(e => e.Kind));
        Assert.Equal([key[..^4] + "*", tag, null], broad.Select(e => e.Target));
        Assert.All(broad, e =>
        {
            Assert.NotEqual(0, e.Operation);
            Assert.Equal(CacheVersion.None, e.Version);
        });
    }

    [Fact]
    public async Task Publication_IsOffByDefault_EvenWithAStreamProvider()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(publish: false);
        using var totals = SiloTotals(cluster);
        var key = CacheClusters.Key("quiet");
        var (writer, reader) = await WriterAndReaderOfAsync(cluster, key);
        using var watch = new Watch(reader.Cache);

        await writer.Cache.SetAsync(key, "v2", cancellationToken: ct);
        await writer.Cache.InvalidateByPatternAsync(key + "*", ct);

        // The clients' own push arrived; the streams heard nothing, and nothing was even queued for them.
        await watch.ForAsync(e => e.Kind == CacheInvalidationKind.Pattern);
        Assert.Empty(await cluster.Client.GetGrain<IInvalidationRecorderGrain>(key).GetEventsAsync());
        Assert.Empty(await cluster.Client.GetGrain<IInvalidationRecorderGrain>(CacheInvalidationEvent.BroadStreamKey).GetEventsAsync());
        Assert.Equal(0, totals.Get(Published) + totals.Get(Failed) + totals.Get(Dropped));
    }

    [Fact]
    public async Task AFailingProvider_FailsNoWrite_LosesNoClientPush_AndIsCountedAndLoggedOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        using var fault = new StreamProviderFault { Failing = true };
        var logs = new CapturedLogs();
        await using var cluster = await StartAsync(publish: true, fault, logs);
        using var totals = SiloTotals(cluster);
        var key = CacheClusters.Key("refused");
        var (writer, reader) = await WriterAndReaderOfAsync(cluster, key);
        using var watch = new Watch(reader.Cache);

        for (var i = 2; i <= 5; i++)
        {
            await writer.Cache.SetAsync(key, $"v{i}", cancellationToken: ct);
        }

        await watch.ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped == 1);
        Assert.Equal("v5", await reader.Cache.GetAsync<string>(key, ct));
        await totals.WhenAsync(Failed, 5, Watch.Timeout);
        Assert.Equal(0, totals.Get(Published));
        Assert.Single(logs.Entries, e => e.Contains("Could not publish a key invalidation on stream provider cache-events", StringComparison.Ordinal));

        // The provider recovers: publication goes on, with no restart.
        fault.Failing = false;
        await writer.Cache.SetAsync(key, "v6", cancellationToken: ct);
        var heard = await EventsAsync(cluster, key, count: 1);
        Assert.Equal(key, heard[^1].Target);
    }

    [Fact]
    public async Task AStuckProvider_HoldsUpNoWrite_AndItsQueueIsBounded_DroppingAndCounting()
    {
        var ct = TestContext.Current.CancellationToken;
        using var fault = new StreamProviderFault();
        await using var cluster = await StartAsync(publish: true, fault, configureStreams: o => o.QueueCapacity = 4);
        using var totals = SiloTotals(cluster);
        var key = CacheClusters.Key("stuck");
        fault.Hold();
        try
        {
            await cluster.Cache.SetAsync(key, "v0", cancellationToken: ct);
            await fault.Held.WaitAsync(Watch.Timeout, ct);

            // The publisher stands still in the provider; writes go on at their own pace and overflow its queue.
            for (var i = 1; i <= 20; i++)
            {
                await cluster.Cache.SetAsync(key, $"v{i}", cancellationToken: ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
            }

            Assert.Equal(20 - 4, totals.Get(Dropped));
        }
        finally
        {
            fault.Release();
        }

        // What was queued goes out once the provider moves again: the first write's event and the four queued.
        await totals.WhenAsync(Published, 5, Watch.Timeout);
        var events = await EventsAsync(cluster, key, count: 5);
        Assert.Equal(5, events.Length);
    }

    [Fact]
    public async Task PublishingOnAProviderTheSiloLacks_FailsItsStart_SayingWhatToAdd()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CacheClusters.StartAsync(silos: 1, o =>
        {
            o.ConfigureCache = cache => cache.PublishInvalidationsToStreams("no-such-provider");
            o.Timeout = TimeSpan.FromSeconds(30);
        }));

        Assert.Contains("has no stream provider of that name", Flatten(error), StringComparison.Ordinal);
    }

    private const string Published = "orleanscache.cache.streams.published";
    private const string Failed = "orleanscache.cache.streams.failed";
    private const string Dropped = "orleanscache.cache.streams.dropped";

    private static Task<OrleansCacheTestCluster> StartAsync(bool publish, StreamProviderFault? fault = null, CapturedLogs? logs = null, Action<OrleansCache.Grains.CacheStreamOptions>? configureStreams = null) =>
        CacheClusters.StartAsync(silos: 2, o =>
        {
            o.ConfigureSilo = silo =>
            {
                // Implicit subscriptions only: no pub-sub grain and store per key (docs/streams.md, "Cost").
                if (fault is null)
                {
                    silo.AddMemoryStreams(Provider, streams => streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly));
                }
                else
                {
                    silo.Services.AddSingleton(fault);
                    silo.Services.AddSingleton<FaultyMemoryStreamSerializer>();
                    silo.AddMemoryStreams<FaultyMemoryStreamSerializer>(Provider, streams => streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly));
                }
            };
            if (publish)
            {
                o.ConfigureCache = cache => cache.PublishInvalidationsToStreams(Provider, configureStreams);
            }

            if (logs is not null)
            {
                o.ConfigureLogging = logging => logging.AddProvider(logs).AddFilter<CapturedLogs>("OrleansCache", LogLevel.Warning);
            }
        });

    /// <summary>The default client as the writer, and a second client that holds the key's first value, "v1".</summary>
    private static async Task<(OrleansCacheTestClient Writer, OrleansCacheTestClient Reader)> WriterAndReaderOfAsync(OrleansCacheTestCluster cluster, string key)
    {
        var ct = TestContext.Current.CancellationToken;
        var (writer, reader) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: ct));
        await writer.Cache.SetAsync(key, "v1", cancellationToken: ct);
        Assert.Equal("v1", await reader.Cache.GetAsync<string>(key, ct));
        return (writer, reader);
    }

    private static MetricTotals SiloTotals(OrleansCacheTestCluster cluster) =>
        new(CacheSiloMetrics.MeterName, scopes: cluster.Silos.Select(s => cluster.ServicesOf(s).GetService<IMeterFactory>()));

    private static string Flatten(Exception error) => error is AggregateException all
        ? string.Join(" | ", all.InnerExceptions.Select(Flatten))
        : error.Message + (error.InnerException is { } inner ? " | " + Flatten(inner) : "");

    /// <summary>Waits until the grain of <paramref name="streamKey"/> has heard at least <paramref name="count"/> events, and returns them.</summary>
    private static async Task<CacheInvalidationEvent[]> EventsAsync(OrleansCacheTestCluster cluster, string streamKey, int count)
    {
        var grain = cluster.Client.GetGrain<IInvalidationRecorderGrain>(streamKey);
        CacheInvalidationEvent[] events = [];
        await Eventually.TrueAsync(async () => (events = await grain.GetEventsAsync()).Length >= count, $"{count} events on the stream of '{streamKey}'", Watch.Timeout, TestContext.Current.CancellationToken);
        return events;
    }
}
