using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Peers;
using OrleansCache.TestSupport.Peers;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using StackExchange.Redis;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P4 and P5: how fast a write's invalidation reaches other clients, against Redis pub/sub delivering the same number of
/// messages to the same number of subscribers, and FusionCache's backplane telling the same number of other instances.
/// Our clients subscribe in broadcast mode to the benchmark's prefix, the way a Redis subscriber listens to a channel; a
/// latency runs from the start of the write to the moment a client has applied the invalidation (its
/// <see cref="IOrleansCache.Invalidated"/> event), from the PUBLISH call to the subscriber's handler, and from FusionCache's
/// <c>SetAsync</c> to the other instance's backplane message handler (which evicts its L1 copy).
/// </summary>
internal sealed class InvalidationBenchmarks(BenchmarkSettings settings, TextWriter log, IBenchCluster cluster, string redisConnection, int redisProcessId)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);
    private static readonly byte[] Value = new byte[100];

    /// <summary>P4: latency at a fixed write rate, for each receiver count; medians of the repeats.</summary>
    public async Task LatencyAtFixedRateAsync(ResultTable table, CancellationToken cancellationToken)
    {
        var writes = Math.Max(20, (int)(settings.InvalidationRate * settings.InvalidationDuration.TotalSeconds));
        foreach (var receivers in settings.InvalidationReceivers)
        {
            log.WriteLine($"P4: {receivers} receivers at {settings.InvalidationRate:#,0} writes/s, {writes:#,0} writes per repeat");
            List<LatencySummary> ours = [], redis = [], fusion = [], acks = [], lags = [];
            List<double> oursCpu = [], redisCpu = [], fusionCpu = [], oursGc = [], redisGc = [], fusionGc = [];
            long lost = 0, resyncs = 0;
            for (var repeat = 0; repeat < settings.Repeats; repeat++)
            {
                var run = await OursAtRateAsync(receivers, writes, $"p4:{receivers}:{repeat}:", cancellationToken);
                oursCpu.Add(PerWrite(run.Cost.CpuSeconds, writes));
                oursGc.Add(run.Cost.GcPauseMilliseconds);
                ours.Add(run.Latencies);
                acks.Add(run.Acknowledged);
                lags.Add(run.FeedToClient);
                lost += run.Missing;
                resyncs += run.Resyncs;
                var (redisRun, redisCost) = await RedisAtRateAsync(receivers, writes, $"p4:{receivers}:{repeat}");
                redis.Add(redisRun);
                redisCpu.Add(PerWrite(redisCost.CpuSeconds, writes));
                redisGc.Add(redisCost.GcPauseMilliseconds);
                var (fusionRun, fusionCost) = await FusionAtRateAsync(receivers, writes, $"p4f{receivers}r{repeat}", cancellationToken);
                fusion.Add(fusionRun);
                fusionCpu.Add(PerWrite(fusionCost.CpuSeconds, writes));
                fusionGc.Add(fusionCost.GcPauseMilliseconds);
                log.WriteLine($"  repeat {repeat}: ours p50/p99 {ours[^1].P50:0}/{ours[^1].P99:0} µs (GC pauses {oursGc[^1]:0} ms, collections gen0/1/2 {run.Cost.Collections}), Redis {redis[^1].P50:0}/{redis[^1].P99:0} µs ({redisGc[^1]:0} ms), FusionCache {fusion[^1].P50:0}/{fusion[^1].P99:0} µs ({fusionGc[^1]:0} ms); load {MachineLoad.OneMinute():0.0}");
            }

            var o = LatencySummary.MedianOf(ours);
            var r = LatencySummary.MedianOf(redis);
            var f = LatencySummary.MedianOf(fusion);
            var what = $"write → invalidation applied, {receivers} client{(receivers > 1 ? "s" : "")}, {settings.InvalidationRate:#,0} writes/s";
            var notes = lost + resyncs > 0 ? $" ({lost} arrivals missing, {resyncs} resyncs)" : "";
            table.Add("P4", $"{what}, p50{notes}", o.P50, r.P50, "µs", "Redis PUBLISH → subscribers");
            table.Add("P4", $"{what}, p99{notes}", o.P99, r.P99, "µs", "Redis PUBLISH → subscribers", 1.0);
            table.Add("P4", $"{what}, max", o.Max, r.Max, "µs", "Redis PUBLISH → subscribers");
            table.Add("P4", $"{what}, p50", o.P50, f.P50, "µs", "FusionCache backplane → other instances");
            table.Add("P4", $"{what}, p99", o.P99, f.P99, "µs", "FusionCache backplane → other instances", 1.0);
            table.Add("P4", $"{what}, max", o.Max, f.Max, "µs", "FusionCache backplane → other instances");
            LatencyPlots.Write(
                settings.PlotDirectory,
                $"p4-invalidation-{receivers.ToString(CultureInfo.InvariantCulture)}-clients.png",
                $"P4: {what} ({settings.Name} run, {settings.Repeats} repeats)",
                [("OrleansCache: write → applied", ours), ("Redis PUBLISH → subscribers", redis), ("FusionCache backplane → other instances", fusion)],
                log);

            if (receivers == settings.InvalidationReceivers[0])
            {
                await WriteCapacityAsync(table, cancellationToken);
            }

            // Where our time goes: the writer's call until acknowledged (the feed was handed the invalidation before it),
            // and the feed's stamp to the client receiving the batch (the product's own lag metric).
            var a = LatencySummary.MedianOf(acks);
            var l = LatencySummary.MedianOf(lags);
            // CPU per write, however busy the machine, over the paced writes and their deliveries only: ours counts
            // this process (writer, clients and, in process, the silos) and the silo processes; the peers count this
            // process and redis-server.
            var cpuWhat = $"profile, {receivers} client{(receivers > 1 ? "s" : "")}: CPU per write delivered to all ({(settings.Processes ? "this process + silo processes" : "this process")}; peers: + redis-server)";
            table.Add("P4", cpuWhat, LatencySummary.Median(oursCpu), LatencySummary.Median(redisCpu), "µs", "Redis PUBLISH → subscribers");
            table.Add("P4", cpuWhat, LatencySummary.Median(oursCpu), LatencySummary.Median(fusionCpu), "µs", "FusionCache backplane → other instances");
            // A collection stops every thread of the process, so its pauses land in the p99 of whatever was in flight.
            var gcWhat = $"profile, {receivers} client{(receivers > 1 ? "s" : "")}: GC pauses of this process during the paced writes ({(settings.Processes ? "writer and clients" : "writer, clients and silos")})";
            table.Add("P4", gcWhat, LatencySummary.Median(oursGc), LatencySummary.Median(redisGc), "ms", "Redis PUBLISH → subscribers");
            table.Add("P4", gcWhat, LatencySummary.Median(oursGc), LatencySummary.Median(fusionGc), "ms", "FusionCache backplane → other instances");
            table.Add("P4", $"profile, {receivers} client{(receivers > 1 ? "s" : "")}: write acknowledged, p50", a.P50, o.P50, "µs", "write → applied p50");
            table.Add("P4", $"profile, {receivers} client{(receivers > 1 ? "s" : "")}: write acknowledged, p99", a.P99, o.P99, "µs", "write → applied p99");
            table.Add("P4", $"profile, {receivers} client{(receivers > 1 ? "s" : "")}: feed → client received, p50", l.P50, o.P50, "µs", "write → applied p50");
            table.Add("P4", $"profile, {receivers} client{(receivers > 1 ? "s" : "")}: feed → client received, p99", l.P99, o.P99, "µs", "write → applied p99");
        }
    }

    /// <summary>
    /// P4's profile: how many writes per second one writer gets acknowledged with 64 in flight (each key written
    /// again and again, so grains are live), against FusionCache's <c>SetAsync</c> (L1, Redis L2, backplane). Below the
    /// P4 rate, P4's writes queue and its latency is the queue's.
    /// </summary>
    private async Task WriteCapacityAsync(ResultTable table, CancellationToken cancellationToken)
    {
        log.WriteLine("P4: write capacity");
        await using var writer = await BenchClient.StartAsync(cluster, cancellationToken: cancellationToken);
        using var fusion = FusionCacheNode.WithRedis(redisConnection, "p4-capacity");
        var keys = Enumerable.Range(0, 1_000).Select(i => "p4:capacity:" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        List<Throughput> ours = [], peer = [];
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            var next = 0;
            ours.Add(await Measure.ThroughputAsync(() => writer.Cache.SetAsync(keys[Interlocked.Increment(ref next) % keys.Length], Value, cancellationToken: cancellationToken), inFlight: 64, settings.ThroughputDuration));
            peer.Add(await Measure.ThroughputAsync(async () => await fusion.Cache.SetAsync(keys[Interlocked.Increment(ref next) % keys.Length], Value, token: cancellationToken), inFlight: 64, settings.ThroughputDuration));
        }

        var side = settings.Processes ? "client process only" : "client and silos: one process";
        table.Add("P4", "profile: writes/s acknowledged, one writer, 64 in flight", LatencySummary.Median(ours.Select(t => t.PerSecond)), LatencySummary.Median(peer.Select(t => t.PerSecond)), "ops/s", "FusionCache SetAsync (L1 + L2 + backplane)");
        table.Add("P4", $"profile: bytes allocated per write ({side})", LatencySummary.Median(ours.Select(t => t.BytesPerCall)), LatencySummary.Median(peer.Select(t => t.BytesPerCall)), "B", "FusionCache SetAsync");
        table.Add("P4", $"profile: thread-pool work items per write ({side})", LatencySummary.Median(ours.Select(t => t.WorkItemsPerCall)), LatencySummary.Median(peer.Select(t => t.WorkItemsPerCall)), "items", "FusionCache SetAsync");
    }

    /// <summary>P5: sustained invalidations per second applied at every one of 10 clients, with no loss.</summary>
    public async Task ThroughputAsync(ResultTable table, CancellationToken cancellationToken)
    {
        var receivers = settings.InvalidationReceivers.Length > 0 && settings.InvalidationReceivers.Max() < 10 ? settings.InvalidationReceivers.Max() : 10;
        var count = settings.ThroughputInvalidations;
        log.WriteLine($"P5: {count:#,0} invalidations to {receivers} clients");
        List<Delivered> ours = [];
        List<double> redis = [], fusion = [];
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            ours.Add(await OursThroughputAsync(receivers, count, $"p5:{repeat}:", cancellationToken));
            redis.Add(await RedisThroughputAsync(receivers, count, $"p5:{repeat}"));
            fusion.Add(await FusionThroughputAsync(receivers, count, $"p5f{repeat}", cancellationToken));
        }

        // A client that had to resynchronize, or an arrival that never came, is a loss: the row then misses its target
        // whatever the rate (the run goes on, so the rest of the table is still measured).
        var missing = ours.Sum(o => o.Missing);
        var resyncs = ours.Sum(o => o.Resyncs);
        var what = $"invalidations/s applied at each of {receivers} clients, " + (missing + resyncs == 0 ? "none lost" : $"{missing} arrivals missing, {resyncs} resyncs");
        var rate = LatencySummary.Median(ours.Select(o => o.PerSecond));
        foreach (var (peer, name) in new[] { (LatencySummary.Median(redis), $"Redis pub/sub to {receivers} subscribers"), (LatencySummary.Median(fusion), $"FusionCache backplane to {receivers} instances") })
        {
            table.AddAbsolute("P5", what, rate, peer, "ops/s", name, "≥ 1× and none lost", missing + resyncs == 0 && rate >= peer);
        }
    }

    private async Task<OursAtRate> OursAtRateAsync(int receivers, int writes, string prefix, CancellationToken cancellationToken)
    {
        var clients = await BroadcastClientsAsync(receivers, prefix, cancellationToken);
        try
        {
            await using var writer = await BenchClient.StartAsync(cluster, cancellationToken: cancellationToken);
            var keys = await ActivatedKeysAsync(writer, prefix, writes, cancellationToken);

            var tracker = new DeliveryTracker(writes, receivers, warmup: writes / 10);
            for (var c = 0; c < clients.Count; c++)
            {
                tracker.Listen(c, clients[c].Cache, prefix);
            }

            var acknowledged = new LatencyRecorder();
            using var lag = new FeedLagListener();
            var meter = PhaseMeter.Start(cluster.ProcessIds);
            await Measure.PacedAsync(writes, settings.InvalidationRate, async i =>
            {
                tracker.Started(i);
                await writer.Cache.SetAsync(keys[i], Value, cancellationToken: cancellationToken);
                if (tracker.Measured(i))
                {
                    acknowledged.Record(tracker.StartOf(i), Stopwatch.GetTimestamp());
                }
            });
            var missing = await tracker.WaitAsync(DeliveryTimeout);
            var cost = meter.Stop();
            var reasons = string.Join(", ", lag.Resyncs.Select(r => $"{r.Key} {r.Value}"));
            if (reasons.Length > 0 || missing > 0)
            {
                log.WriteLine($"  ours: {missing} arrivals missing; resyncs started: {(reasons.Length > 0 ? reasons : "none")}");
            }

            return new OursAtRate(tracker.Latencies.Summary(), acknowledged.Summary(), lag.Lags.Summary(), missing, Math.Max(tracker.Resyncs, (int)lag.Resyncs.Values.Sum()), cost);
        }
        finally
        {
            await DisposeAllAsync(clients);
        }
    }

    private async Task<(LatencySummary Latencies, PhaseCost Cost)> RedisAtRateAsync(int receivers, int messages, string channel)
    {
        var (publisher, subscribers) = await RedisPeersAsync(receivers);
        try
        {
            var tracker = new DeliveryTracker(messages, receivers, warmup: messages / 10);
            await SubscribeAllAsync(subscribers, channel, tracker);
            var pub = publisher.GetSubscriber();
            var redisChannel = RedisChannel.Literal(channel);
            var meter = PhaseMeter.Start([redisProcessId]);
            await Measure.PacedAsync(messages, settings.InvalidationRate, i =>
            {
                tracker.Started(i);
                return pub.PublishAsync(redisChannel, i);
            });
            await tracker.WaitAsync(DeliveryTimeout);
            return (tracker.Latencies.Summary(), meter.Stop());
        }
        finally
        {
            DisposeAll(publisher, subscribers);
        }
    }

    private async Task<(LatencySummary Latencies, PhaseCost Cost)> FusionAtRateAsync(int receivers, int writes, string name, CancellationToken cancellationToken)
    {
        var nodes = FusionCacheNode.ManyWithRedis(redisConnection, name, receivers + 1);
        try
        {
            var tracker = new DeliveryTracker(writes, receivers, warmup: writes / 10);
            var writer = nodes[0].Cache;
            await FusionListenAsync(nodes, tracker, cancellationToken);
            var meter = PhaseMeter.Start([redisProcessId]);
            await Measure.PacedAsync(writes, settings.InvalidationRate, async i =>
            {
                tracker.Started(i);
                await writer.SetAsync($"{name}:{i.ToString(CultureInfo.InvariantCulture)}", Value, token: cancellationToken);
            });
            await tracker.WaitAsync(DeliveryTimeout);
            return (tracker.Latencies.Summary(), meter.Stop());
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }
    }

    /// <summary>
    /// The keys <c>{prefix}0</c>.. with their grains activated, so that timed writes measure a write to a live entry,
    /// not an activation.
    /// </summary>
    private static async Task<string[]> ActivatedKeysAsync(BenchClient writer, string prefix, int count, CancellationToken cancellationToken)
    {
        var keys = Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (k, _) =>
            await writer.Client.GetGrain<ICacheEntryGrain>(k).GetVersionAsync(Guid.Empty));
        return keys;
    }

    private async Task<Delivered> OursThroughputAsync(int receivers, int invalidations, string prefix, CancellationToken cancellationToken)
    {
        var clients = await BroadcastClientsAsync(receivers, prefix, cancellationToken);
        try
        {
            await using var writer = await BenchClient.StartAsync(cluster, cancellationToken: cancellationToken);
            var keys = await ActivatedKeysAsync(writer, prefix, invalidations, cancellationToken);
            var tracker = new DeliveryTracker(invalidations, receivers, warmup: 0);
            for (var c = 0; c < clients.Count; c++)
            {
                tracker.Listen(c, clients[c].Cache, prefix);
            }

            var start = Stopwatch.GetTimestamp();
            await Measure.InFlightAsync(invalidations, 64, i => writer.Cache.InvalidateAsync(keys[i], cancellationToken));
            var missing = await tracker.WaitAsync(DeliveryTimeout);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return new Delivered(invalidations / seconds, missing, tracker.Resyncs);
        }
        finally
        {
            await DisposeAllAsync(clients);
        }
    }

    private async Task<double> RedisThroughputAsync(int receivers, int messages, string channel)
    {
        var (publisher, subscribers) = await RedisPeersAsync(receivers);
        try
        {
            var tracker = new DeliveryTracker(messages, receivers, warmup: 0);
            await SubscribeAllAsync(subscribers, channel, tracker);
            var pub = publisher.GetSubscriber();
            var redisChannel = RedisChannel.Literal(channel);
            var start = Stopwatch.GetTimestamp();
            await Measure.InFlightAsync(messages, 64, i => pub.PublishAsync(redisChannel, i));
            if (await tracker.WaitAsync(DeliveryTimeout) > 0)
            {
                throw new InvalidOperationException("P5: Redis pub/sub lost messages.");
            }

            return messages / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        finally
        {
            DisposeAll(publisher, subscribers);
        }
    }

    private async Task<double> FusionThroughputAsync(int receivers, int count, string name, CancellationToken cancellationToken)
    {
        var nodes = FusionCacheNode.ManyWithRedis(redisConnection, name, receivers + 1);
        try
        {
            var tracker = new DeliveryTracker(count, receivers, warmup: 0);
            var writer = nodes[0].Cache;
            await FusionListenAsync(nodes, tracker, cancellationToken);
            var start = Stopwatch.GetTimestamp();
            await Measure.InFlightAsync(count, 64, async i => await writer.RemoveAsync($"{name}:{i.ToString(CultureInfo.InvariantCulture)}", token: cancellationToken));
            var missing = await tracker.WaitAsync(DeliveryTimeout);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (missing > 0)
            {
                // FusionCache's backplane is fire-and-forget over pub/sub: a loss is its behaviour, reported as the rate of what arrived.
                log.WriteLine($"  FusionCache backplane: {missing} of {(long)count * receivers} arrivals missing");
            }

            return (count - (missing / (double)receivers)) / seconds;
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }
    }

    /// <summary>
    /// Hooks every node but the first (the writer) to <paramref name="tracker"/>, and waits until each has heard a probe:
    /// the backplane subscribes in the background, so until then a message could be missed.
    /// </summary>
    private static async Task FusionListenAsync(List<FusionCacheNode> nodes, DeliveryTracker tracker, CancellationToken cancellationToken)
    {
        for (var n = 1; n < nodes.Count; n++)
        {
            var receiver = n - 1;
            nodes[n].Cache.Events.Backplane.MessageReceived += (_, e) =>
            {
                if (e.Message.CacheKey != FusionBackplaneProbe.Key)
                {
                    tracker.Arrived(receiver, e.Message.CacheKey);
                }
            };
        }

        await FusionBackplaneProbe.WaitUntilHeardAsync(nodes[0], nodes[1..], cancellationToken);
    }

    private static double PerWrite(double cpuSeconds, int writes) => cpuSeconds * 1_000_000 / writes;

    private async Task<List<BenchClient>> BroadcastClientsAsync(int count, string prefix, CancellationToken cancellationToken)
    {
        var clients = await BenchClient.StartManyAsync(cluster, count, o => o.BroadcastPrefixes.Add(prefix), cancellationToken);

        // A broadcast subscription takes effect shortly after connecting, without an acknowledgement
        // (docs/consistency.md): probe until every client hears an invalidation under the prefix.
        var heard = new ConcurrentDictionary<IOrleansCache, bool>();
        void OnProbe(object? sender, CacheInvalidatedEventArgs e)
        {
            if (e.Target == prefix + "probe")
            {
                heard[(IOrleansCache)sender!] = true;
            }
        }

        foreach (var client in clients)
        {
            client.Cache.Invalidated += OnProbe;
        }

        var deadline = Stopwatch.GetTimestamp() + (120 * Stopwatch.Frequency);
        while (heard.Count < count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Only {heard.Count} of {count} clients heard the subscription probe.");
            }

            await clients[0].Cache.InvalidateAsync(prefix + "probe", cancellationToken);
            await Task.Delay(20, cancellationToken);
        }

        foreach (var client in clients)
        {
            client.Cache.Invalidated -= OnProbe;
        }

        return clients;
    }

    private async Task<(ConnectionMultiplexer Publisher, List<ConnectionMultiplexer> Subscribers)> RedisPeersAsync(int receivers)
    {
        var publisher = await ConnectionMultiplexer.ConnectAsync(redisConnection);
        var subscribers = new List<ConnectionMultiplexer>();
        for (var i = 0; i < receivers; i++)
        {
            subscribers.Add(await ConnectionMultiplexer.ConnectAsync(redisConnection));
        }

        return (publisher, subscribers);
    }

    /// <summary>Subscribes every subscriber; SUBSCRIBE is acknowledged, so once this returns every message is delivered.</summary>
    private static Task SubscribeAllAsync(List<ConnectionMultiplexer> subscribers, string channel, DeliveryTracker tracker) =>
        Task.WhenAll(subscribers.Select((s, receiver) => s.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel), (_, value) => tracker.Arrived(receiver, (int)value))));

    private static async Task DisposeAllAsync(List<BenchClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static void DisposeAll(ConnectionMultiplexer publisher, List<ConnectionMultiplexer> subscribers)
    {
        publisher.Dispose();
        subscribers.ForEach(s => s.Dispose());
    }

    private sealed record Delivered(double PerSecond, long Missing, int Resyncs);

    private sealed record OursAtRate(LatencySummary Latencies, LatencySummary Acknowledged, LatencySummary FeedToClient, long Missing, int Resyncs, PhaseCost Cost);
}
