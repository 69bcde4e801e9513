using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestSupport.Http;
using Xunit;

namespace OrleansCache.Runtime.Tests.Http;

/// <summary>
/// <c>/metrics</c> of real silos, read through a strict Prometheus parser: everything the issue asks for is there with
/// its type from the start, and the figures move with traffic.
/// </summary>
public sealed class MetricsEndpointTests
{
    private static readonly (string Family, string Type)[] Exposed =
    [
        ("orleanscache_activations_live", "gauge"),
        ("orleanscache_activations_created_total", "counter"),
        ("orleanscache_calls_handled_total", "counter"),
        ("orleanscache_calls_forwarded_total", "counter"),
        ("orleanscache_calls_duration_milliseconds", "histogram"),
        ("orleanscache_connections_open", "gauge"),
        ("orleanscache_connections_rejected_total", "counter"),
        ("orleanscache_frames_rejected_total", "counter"),
        ("orleanscache_cache_invalidations_published_total", "counter"),
        ("orleanscache_cache_invalidations_received_total", "counter"),
        ("orleanscache_cache_invalidations_pushed_total", "counter"),
        ("orleanscache_cache_invalidations_fanout_duration_milliseconds", "histogram"),
        ("orleanscache_cache_leases_total", "counter"),
        ("orleanscache_cache_leases_wait_duration_milliseconds", "histogram"),
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_ParseAsPrometheusText_CoverRuntimeAndCache_AndCountersMoveWithTraffic()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2, o => o.EnableHttp = true);
        var (gateway, owner) = (cluster.Silos[0], cluster.Silos[1]);
        string[] endPoints = [gateway.HttpEndPoint!, owner.HttpEndPoint!];
        var before = await Task.WhenAll(endPoints.Select(e => SiloHttp.ScrapeAsync(e, Token)));
        foreach (var (family, type) in Exposed)
        {
            Assert.All(before, scrape => Assert.Equal(type, Assert.Contains(family, scrape.Families).Type));
        }

        // Grain calls through one gateway to grains the other silo owns: every one is handled there and forwarded here.
        const int Calls = 30;
        var client = await cluster.CreateClientAsync(gateway, cancellationToken: Token);
        var keys = Enumerable.Range(0, Calls).Select(_ => cluster.KeyOwnedBy<ISequenceGrain>(owner, "metrics")).ToList();
        await Task.WhenAll(keys.Select(k => client.GetGrain<ISequenceGrain>(k).NextAsync()));

        // Cache writes: each is published by its owner, received by both silos, and pushed to the writer by its gateway.
        const int Writes = 20;
        var cache = await cluster.CreateCacheClientAsync(gateway, cancellationToken: Token);
        for (var i = 0; i < Writes; i++)
        {
            await cache.SetAsync(Keys.Unique("metrics-cache"), i, cancellationToken: Token);
        }

        var after = await SiloHttp.ScrapeUntilAsync(
            endPoints,
            s => Growth(s, before, "orleanscache_cache_invalidations_received_total") >= 2 * Writes
                && Growth(s, before, "orleanscache_cache_invalidations_fanout_duration_milliseconds_count") >= Writes,
            "every write received by both silos and fanned out to the writer",
            Token);

        Assert.True(Growth(after, before, "orleanscache_calls_handled_total") >= Calls + Writes);
        Assert.True(after[1].Sum("orleanscache_calls_handled_total") - before[1].Sum("orleanscache_calls_handled_total") >= Calls);
        Assert.True(after[0].Sum("orleanscache_calls_forwarded_total") - before[0].Sum("orleanscache_calls_forwarded_total") >= Calls);
        Assert.True(after[1].Sum("orleanscache_calls_duration_milliseconds_count") - before[1].Sum("orleanscache_calls_duration_milliseconds_count") >= Calls);
        Assert.True(after[1].Sum("orleanscache_activations_live") >= Calls, "the owner holds the activations");
        Assert.True(Growth(after, before, "orleanscache_cache_invalidations_published_total") >= Writes);
        Assert.True(after[0].Sum("orleanscache_cache_invalidations_pushed_total") - before[0].Sum("orleanscache_cache_invalidations_pushed_total") >= Writes);
        Assert.True(after[0].Sum("orleanscache_connections_open", ("role", "client")) >= 2, "the two clients are connected to the gateway");
    }

    [Fact]
    public async Task FramesRejected_CountsABrokenFrameByReason()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.EnableHttp = true);
        var silo = cluster.Silos[0];

        // A frame header declaring 4 GiB: refused before any payload is read.
        await RawConnection.SendAndAwaitCloseAsync(silo.GatewayEndPoint, [0xFF, 0xFF, 0xFF, 0xFF], halfClose: false, Clusters.Timeout, Token);

        await SiloHttp.ScrapeUntilAsync(
            silo.HttpEndPoint!,
            s => s.Sum("orleanscache_frames_rejected_total", ("reason", "oversized")) == 1
                && s.Sum("orleanscache_connections_rejected_total", ("reason", "protocol_violation")) == 1,
            "one oversized frame and one rejected connection",
            Token);
    }

    [Fact]
    public async Task LeaseWaits_AreCountedAndTimed_OnTheOwner()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.EnableHttp = true);
        var endPoint = cluster.Silos[0].HttpEndPoint!;
        var other = await cluster.CreateCacheClientAsync(cancellationToken: Token);
        var key = Keys.Unique("lease");
        var filling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var filler = cluster.Cache.GetOrCreateAsync(key, async _ =>
        {
            filling.TrySetResult();
            await release.Task;
            return "filled";
        }, cancellationToken: Token);
        await filling.Task.WaitAsync(Clusters.Timeout, Token);
        var waiter = other.GetOrCreateAsync<string>(key, _ => throw new InvalidOperationException("The second caller must wait, not fill."), cancellationToken: Token);

        // The fill is held until the grain has told the second caller to wait, so its wait is a real one.
        await SiloHttp.ScrapeUntilAsync(endPoint, s => s.Sum("orleanscache_cache_leases_total", ("outcome", "wait")) >= 1, "a lease wait", Token);
        release.SetResult();

        Assert.Equal("filled", await filler);
        Assert.Equal("filled", await waiter);
        await SiloHttp.ScrapeUntilAsync(endPoint, s => s.Sum("orleanscache_cache_leases_wait_duration_milliseconds_count") >= 1, "a timed lease wait", Token);
    }

    private static double Growth(PrometheusText[] after, PrometheusText[] before, string name) =>
        after.Sum(s => s.Sum(name)) - before.Sum(s => s.Sum(name));
}
