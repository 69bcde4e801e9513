using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Redis;
using StackExchange.Redis;

namespace OrleansCache.Benchmarks;

/// <summary>Every pair of measurements, each against its peer in the same run on the same machine.</summary>
internal sealed class BenchmarkRun(BenchmarkSettings settings, TextWriter log)
{
    private const int ValueSize = 100;

    private readonly ResultTable _table = new();

    public async Task<ResultTable> RunAsync()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var cluster = await TestCluster.StartAsync(silos: 3);
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var echo = new EchoServer();
        var value = new byte[ValueSize];
        Random.Shared.NextBytes(value);

        if (settings.Includes("P1"))
        {
            await NearCacheHitsAsync(cluster);
        }

        // P2's direct-call latency is the yardstick of P6 and P8, so it always runs.
        var direct = await RemoteReadsAsync(cluster, multiplexer.GetDatabase(), echo, value);

        // With --allocations, what the selected pairs after P2 allocate most, by type (peers included).
        using var sampler = settings.ProfileAllocations ? new AllocationSampler() : null;
        sampler?.Start();
        if (settings.Includes("P3"))
        {
            await ThroughputAsync(cluster, multiplexer.GetDatabase(), value);
        }

        var invalidations = new InvalidationBenchmarks(settings, log, redis.ConnectionString);
        if (settings.Includes("P4"))
        {
            await invalidations.LatencyAtFixedRateAsync(cluster, _table);
        }

        if (settings.Includes("P5"))
        {
            await invalidations.ThroughputAsync(cluster, _table);
        }

        if (settings.Includes("P6"))
        {
            await ForwardedCallsAsync(cluster, value, direct);
        }

        if (settings.Includes("P7"))
        {
            var memory = new MemoryBenchmarks(settings, log);
            memory.NearCacheEntries(_table);
            await memory.ActivationsAsync(cluster, _table);
        }

        if (settings.Includes("P8"))
        {
            await GetOrCreateBurstAsync(cluster, direct);
        }

        foreach (var (type, bytes) in sampler?.Stop(top: 25) ?? [])
        {
            log.WriteLine($"  allocated {bytes / 1024.0 / 1024.0,8:0.0} MB  {type}");
        }

        return _table;
    }

    /// <summary>P1: a near-cache hit against a ConcurrentDictionary lookup of the same keys.</summary>
    private async Task NearCacheHitsAsync(TestCluster cluster)
    {
        foreach (var keyCount in settings.KeyCounts)
        {
            log.WriteLine($"P1: filling {keyCount} keys");
            var keys = Enumerable.Range(0, keyCount).Select(i => $"p1:{keyCount}:{i}").ToArray();
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (k, ct) => await cluster.Cache.SetAsync(k, "v", cancellationToken: ct));
            var cache = await cluster.CreateCacheClientAsync(configure: o => o.NearCache.MaxEntries = keyCount * 2);
            foreach (var key in keys)
            {
                await cache.GetAsync<string>(key);
            }

            var dictionary = new ConcurrentDictionary<string, object>(keys.Select(k => new KeyValuePair<string, object>(k, "v")), StringComparer.Ordinal);
            foreach (var threads in new[] { 1, 2 })
            {
                var ours = Measure.NanosecondsPerCall((thread, n) =>
                {
                    for (var i = 0; i < n; i++)
                    {
                        var read = cache.GetAsync<string>(keys[(i + (thread * 7919)) % keys.Length]);
                        if (!read.IsCompletedSuccessfully)
                        {
                            throw new InvalidOperationException("A near-cache read went remote: the benchmark is not measuring hits.");
                        }
                    }
                }, settings.HitIterations, threads);
                var peer = Measure.NanosecondsPerCall((thread, n) =>
                {
                    for (var i = 0; i < n; i++)
                    {
                        dictionary.TryGetValue(keys[(i + (thread * 7919)) % keys.Length], out _);
                    }
                }, settings.HitIterations, threads);
                _table.Add("P1", $"near-cache hit, {keyCount:#,0} keys, {threads} thread{(threads > 1 ? "s" : "")}", ours, peer, "ns/op", 1.5, lowerIsBetter: true, "ConcurrentDictionary");
            }

            await cache.DisposeAsync();
        }
    }

    /// <summary>P2: a remote read (client → owner → grain → back) against Redis GET and a raw socket ping-pong.</summary>
    private async Task<Latencies> RemoteReadsAsync(TestCluster cluster, IDatabase redis, EchoServer echo, byte[] value)
    {
        log.WriteLine("P2: remote reads");
        var key = cluster.KeyOwnedBy<ICacheEntryGrain>(cluster.Silos[0], "p2");
        var client = await cluster.CreateClientAsync(gateway: cluster.Silos[0]);
        var grain = client.GetGrain<ICacheEntryGrain>(key);
        await grain.SetAsync(value, CacheWriteOptions.Default);
        await redis.StringSetAsync("p2", value);
        var pingPong = await echo.ConnectPingPongAsync(ValueSize);

        var ours = await Measure.LatencyAsync(() => grain.GetAsync(), settings.Warmup, settings.Samples);
        var peer = await Measure.LatencyAsync(() => redis.StringGetAsync("p2"), settings.Warmup, settings.Samples);
        var floor = await Measure.LatencyAsync(pingPong, settings.Warmup, settings.Samples);
        _table.Add("P2", "remote read p50", ours.P50, peer.P50, "µs", 0.8, lowerIsBetter: true, "Redis GET");
        _table.Add("P2", "remote read p99", ours.P99, peer.P99, "µs", double.NaN, lowerIsBetter: true, "Redis GET");
        _table.Add("P2", "remote read p50 against the floor", ours.P50, floor.P50, "µs", 2.5, lowerIsBetter: true, "socket ping-pong");
        return ours;
    }

    /// <summary>P3: remote read throughput with many calls in flight, against pipelined Redis GETs.</summary>
    private async Task ThroughputAsync(TestCluster cluster, IDatabase redis, byte[] value)
    {
        log.WriteLine("P3: throughput");
        // The key is owned by the client's gateway, as in P2, so every run measures the same path (P6 measures a forwarded one).
        var client = await cluster.CreateClientAsync(gateway: cluster.Silos[0]);
        var grain = client.GetGrain<ICacheEntryGrain>(cluster.KeyOwnedBy<ICacheEntryGrain>(cluster.Silos[0], "p3"));
        await grain.SetAsync(value, CacheWriteOptions.Default);
        await redis.StringSetAsync("p3", value);
        var ours = await Measure.ProfiledThroughputAsync(() => grain.GetAsync(), inFlight: 64, settings.ThroughputDuration);
        var peer = await Measure.ProfiledThroughputAsync(() => redis.StringGetAsync("p3"), inFlight: 64, settings.ThroughputDuration);
        _table.Add("P3", "remote reads/s, 64 in flight, one client", ours.PerSecond, peer.PerSecond, "ops/s", 1.0, lowerIsBetter: false, "pipelined Redis GET");
        // Where the time goes: ours counts client and silo (one process), Redis only its client.
        _table.Add("P3", "profile: bytes allocated per read", ours.BytesPerCall, peer.BytesPerCall, "B", double.NaN, lowerIsBetter: true, "Redis client only");
        _table.Add("P3", "profile: thread-pool work items per read", ours.WorkItemsPerCall, peer.WorkItemsPerCall, "items", double.NaN, lowerIsBetter: true, "Redis client only");
    }

    /// <summary>P6: a call that reaches a non-owner and is forwarded, against the same call made to the owner.</summary>
    private async Task ForwardedCallsAsync(TestCluster cluster, byte[] value, Latencies direct)
    {
        log.WriteLine("P6: forwarded calls");
        var owner = cluster.Silos[0];
        var key = cluster.KeyOwnedBy<ICacheEntryGrain>(owner, "p6");
        var viaOther = await cluster.CreateClientAsync(gateway: cluster.Silos[1]);
        var grain = viaOther.GetGrain<ICacheEntryGrain>(key);
        await grain.SetAsync(value, CacheWriteOptions.Default);
        var forwarded = await Measure.LatencyAsync(() => grain.GetAsync(), settings.Warmup, settings.Samples);
        _table.Add("P6", "forwarded call p50", forwarded.P50, direct.P50, "µs", 1.6, lowerIsBetter: true, "direct call");
    }

    /// <summary>P8: a burst of concurrent misses on one key from 10 clients: one factory run, time until all have it.</summary>
    private async Task GetOrCreateBurstAsync(TestCluster cluster, Latencies direct)
    {
        log.WriteLine("P8: get-or-create burst");
        var clients = new List<IOrleansCacheClient>();
        for (var i = 0; i < 10; i++)
        {
            clients.Add(await cluster.CreateCacheClientAsync());
        }

        // A first burst on another key warms every path (JIT, activation) so the timed one measures the steady state.
        await Task.WhenAll(Enumerable.Range(0, settings.BurstCalls).Select(i => clients[i % clients.Count].GetOrCreateAsync("p8-warm", _ => Task.FromResult("warm"))));
        var runs = 0;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, settings.BurstCalls).Select(i => clients[i % clients.Count].GetOrCreateAsync("p8", _ =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult("made once");
        })));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        _table.Add("P8", $"{settings.BurstCalls:#,0} concurrent misses on one key, 10 clients: {runs} factory run{(runs == 1 ? "" : "s")}", elapsed, direct.P50, "µs", 3.0, lowerIsBetter: true, "one remote read p50");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
