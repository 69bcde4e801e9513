using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Peers;
using OrleansCache.TestSupport.Peers;
using OrleansCache.Grains.Interfaces;
using StackExchange.Redis;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P2 (a read that misses the near-cache), P3 (remote reads per second) and P6 (through a gateway that does not host the
/// grain). The reading client has one gateway, the silo that owns the keys, so every run measures the same path.
/// </summary>
internal sealed class ReadBenchmarks(BenchmarkSettings settings, TextWriter log, IBenchCluster cluster, string redisConnection)
{
    private const int ValueSize = 100;
    private static readonly byte[] Value = [.. Enumerable.Range(0, ValueSize).Select(i => (byte)i)];

    /// <summary>P2: each read is of a key this client has never read (a near-cache miss) against Redis GET, the peers' L1 misses served from L2, and a socket ping-pong.</summary>
    public async Task MissesAsync(ResultTable table, CancellationToken cancellationToken)
    {
        log.WriteLine("P2: near-cache misses");
        var owner = cluster.Silos[0];
        await using var writer = await BenchClient.StartAsync(cluster, cancellationToken: cancellationToken);
        var ownership = await KeyOwnership.ReadAsync(writer.Client);
        using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection);
        var database = redis.GetDatabase();
        await database.StringSetAsync("p2", Value);
        await using var echo = new EchoServer();
        var pingPong = await echo.ConnectPingPongAsync(ValueSize);
        using var fusionWriter = FusionCacheNode.WithRedis(redisConnection, "p2-fusion");
        using var fusionReader = FusionCacheNode.WithRedis(redisConnection, "p2-fusion");
        using var hybridWriter = HybridCacheNode.Create(redisConnection);
        using var hybridReader = HybridCacheNode.Create(redisConnection);

        var count = settings.Warmup + settings.Samples;
        List<LatencySummary> ours = [], redisGet = [], floor = [], fusion = [], hybrid = [];
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            var keys = ownership.KeysOwnedBy(owner, $"p2:{repeat.ToString(CultureInfo.InvariantCulture)}:", count);
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (k, ct) =>
            {
                await writer.Cache.SetAsync(k, Value, cancellationToken: ct);
                await fusionWriter.Cache.SetAsync(k, Value, token: ct);
                await hybridWriter.Cache.SetAsync(k, Value, cancellationToken: ct);
            });

            // A fresh reader per repeat, on the owner's gateway only: every key is a miss for it.
            await using (var reader = await BenchClient.StartAsync(cluster, [owner], cancellationToken: cancellationToken))
            {
                var cache = reader.Cache;
                ours.Add(await Measure.LatencyAsync(async i => Check(await cache.GetAsync<byte[]>(keys[i], cancellationToken), "ours"), settings.Warmup, settings.Samples));
            }

            redisGet.Add(await Measure.LatencyAsync(async _ => Check(await database.StringGetAsync("p2"), "Redis GET"), settings.Warmup, settings.Samples));
            fusion.Add(await Measure.LatencyAsync(async i => Check(await fusionReader.Cache.GetOrDefaultAsync<byte[]>(keys[i], token: cancellationToken), "FusionCache"), settings.Warmup, settings.Samples));
            hybrid.Add(await Measure.LatencyAsync(async i => Check(await hybridReader.Cache.GetOrCreateAsync<byte[]>(keys[i], static _ => throw new InvalidOperationException("HybridCache missed its L2."), cancellationToken: cancellationToken), "HybridCache"), settings.Warmup, settings.Samples));
            floor.Add(await Measure.LatencyAsync(_ => pingPong(), settings.Warmup, settings.Samples));
        }

        var o = LatencySummary.MedianOf(ours);
        var r = LatencySummary.MedianOf(redisGet);
        table.Add("P2", "near-cache miss, p50", o.P50, r.P50, "µs", "Redis GET", 1.0);
        table.Add("P2", "near-cache miss, p99", o.P99, r.P99, "µs", "Redis GET");
        table.Add("P2", "near-cache miss, p50", o.P50, LatencySummary.MedianOf(floor).P50, "µs", "socket ping-pong floor", 2.5);
        var f = LatencySummary.MedianOf(fusion);
        var h = LatencySummary.MedianOf(hybrid);
        table.Add("P2", "near-cache miss, p50", o.P50, f.P50, "µs", "FusionCache L1 miss from Redis L2");
        table.Add("P2", "near-cache miss, p99", o.P99, f.P99, "µs", "FusionCache L1 miss from Redis L2");
        table.Add("P2", "near-cache miss, p50", o.P50, h.P50, "µs", "HybridCache L1 miss from Redis L2");
        table.Add("P2", "near-cache miss, p99", o.P99, h.P99, "µs", "HybridCache L1 miss from Redis L2");
        LatencyPlots.Write(
            settings.PlotDirectory,
            "p2-near-cache-miss.png",
            $"P2: a read that misses the near-cache ({settings.Name} run, {settings.Repeats} repeats)",
            [("OrleansCache", ours), ("Redis GET", redisGet), ("FusionCache L1 miss, Redis L2", fusion), ("HybridCache L1 miss, Redis L2", hybrid), ("socket ping-pong (floor)", floor)],
            log);
    }

    /// <summary>P3: one client, 64 remote reads in flight, against 64 pipelined Redis GETs in flight.</summary>
    public async Task ThroughputAsync(ResultTable table, CancellationToken cancellationToken)
    {
        log.WriteLine("P3: remote reads per second");
        var owner = cluster.Silos[0];
        await using var client = await BenchClient.StartAsync(cluster, [owner], cancellationToken: cancellationToken);
        var ownership = await KeyOwnership.ReadAsync(client.Client);
        var grain = client.Client.GetGrain<ICacheEntryGrain>(ownership.KeysOwnedBy(owner, "p3:", 1)[0]);
        await grain.SetAsync(Value, CacheWriteOptions.Default, Guid.Empty);
        using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection);
        var database = redis.GetDatabase();
        await database.StringSetAsync("p3", Value);

        List<Throughput> ours = [], peer = [];
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            ours.Add(await Measure.ThroughputAsync(() => grain.GetAsync(Guid.Empty), inFlight: 64, settings.ThroughputDuration));
            peer.Add(await Measure.ThroughputAsync(() => database.StringGetAsync("p3"), inFlight: 64, settings.ThroughputDuration));
        }

        table.Add("P3", "remote reads/s, one client, 64 in flight", Median(ours, t => t.PerSecond), Median(peer, t => t.PerSecond), "ops/s", "pipelined Redis GET", 1.0, lowerIsBetter: false);
        var side = settings.Processes ? "client process only" : "client and silos: one process";
        table.Add("P3", $"profile: bytes allocated per read ({side})", Median(ours, t => t.BytesPerCall), Median(peer, t => t.BytesPerCall), "B", "Redis client only");
        table.Add("P3", $"profile: thread-pool work items per read ({side})", Median(ours, t => t.WorkItemsPerCall), Median(peer, t => t.WorkItemsPerCall), "items", "Redis client only");
    }

    /// <summary>P6: the same read through a gateway that does not host the grain, against one that does.</summary>
    public async Task GatewayAsync(ResultTable table, CancellationToken cancellationToken)
    {
        log.WriteLine("P6: non-hosting gateway");
        var owner = cluster.Silos[0];
        await using var direct = await BenchClient.StartAsync(cluster, [owner], cancellationToken: cancellationToken);
        await using var forwarded = await BenchClient.StartAsync(cluster, [cluster.Silos[1]], cancellationToken: cancellationToken);
        var ownership = await KeyOwnership.ReadAsync(direct.Client);
        var key = ownership.KeysOwnedBy(owner, "p6:", 1)[0];
        await direct.Client.GetGrain<ICacheEntryGrain>(key).SetAsync(Value, CacheWriteOptions.Default, Guid.Empty);
        var viaOwner = direct.Client.GetGrain<ICacheEntryGrain>(key);
        var viaOther = forwarded.Client.GetGrain<ICacheEntryGrain>(key);
        List<LatencySummary> hosting = [], other = [];
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            other.Add(await Measure.LatencyAsync(_ => viaOther.GetAsync(Guid.Empty).AsTask(), settings.Warmup, settings.Samples));
            hosting.Add(await Measure.LatencyAsync(_ => viaOwner.GetAsync(Guid.Empty).AsTask(), settings.Warmup, settings.Samples));
        }

        var o = LatencySummary.MedianOf(other);
        var h = LatencySummary.MedianOf(hosting);
        table.Add("P6", "remote read through a non-hosting gateway, p50", o.P50, h.P50, "µs", "through the hosting gateway", 1.6);
        table.Add("P6", "remote read through a non-hosting gateway, p99", o.P99, h.P99, "µs", "through the hosting gateway");
    }

    private static double Median(List<Throughput> values, Func<Throughput, double> figure) => LatencySummary.Median(values.Select(figure));

    private static void Check(object? value, string who)
    {
        if (value is null || (value is RedisValue r && r.IsNull))
        {
            throw new InvalidOperationException($"{who}: a read found no value; the benchmark would measure the wrong path.");
        }
    }
}
