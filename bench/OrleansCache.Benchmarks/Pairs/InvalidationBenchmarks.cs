using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Pairs.Invalidation;
using OrleansCache.Client;
using OrleansCache.TestSupport.Peers;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P4 and P5: how fast a write's invalidation reaches other clients, against Redis pub/sub delivering the same number of
/// messages to the same number of subscribers, and FusionCache's backplane telling the same number of other instances.
/// Each side (<see cref="OrleansCacheSide"/>, <see cref="RedisPubSubSide"/>, <see cref="FusionBackplaneSide"/>) starts
/// its sender and receivers once per receiver count and reuses them across the repeats. A latency runs from the start of the write to the moment a client has applied the invalidation (its
/// <see cref="IOrleansCache.Invalidated"/> event), from the PUBLISH call to the subscriber's handler, and from FusionCache's
/// <c>SetAsync</c> to the other instance's backplane message handler (which evicts its L1 copy).
/// </summary>
internal sealed class InvalidationBenchmarks(BenchmarkSettings settings, TextWriter log, IBenchCluster cluster, string redisConnection, int redisProcessId)
{
    private static readonly byte[] Value = new byte[100];

    /// <summary>P4: latency at a fixed write rate, for each receiver count; medians of the repeats.</summary>
    public async Task LatencyAtFixedRateAsync(ResultTable table, CancellationToken cancellationToken)
    {
        var writes = Math.Max(20, (int)(settings.InvalidationRate * settings.InvalidationDuration.TotalSeconds));

        // The capacity runs first: at full speed they also bring each side's write path (every silo's code,
        // FusionCache's) towards steady state before any paced repeat (docs/benchmarks.md, "P4's warm-up").
        await WriteCapacityAsync(table, cancellationToken);
        foreach (var receivers in settings.InvalidationReceivers)
        {
            log.WriteLine($"P4: {receivers} receivers at {settings.InvalidationRate:#,0} writes/s, {writes:#,0} writes per repeat");
            var name = receivers.ToString(CultureInfo.InvariantCulture);
            var ours = await RepeatAsync("ours", () => OrleansCacheSide.StartAsync(cluster, receivers, $"p4:{name}:", log, cancellationToken), (side, repeat) => side.AtRateAsync(repeat, writes, settings.InvalidationRate, cancellationToken), Describe);
            var redis = await RepeatAsync("Redis", () => RedisPubSubSide.StartAsync(redisConnection, redisProcessId, receivers, $"p4:{name}:"), (side, repeat) => side.AtRateAsync(repeat, writes, settings.InvalidationRate, cancellationToken), Describe);
            var fusion = await RepeatAsync("FusionCache", () => FusionBackplaneSide.StartAsync(redisConnection, redisProcessId, receivers, $"p4f{name}", log, cancellationToken), (side, repeat) => side.AtRateAsync(repeat, writes, settings.InvalidationRate, cancellationToken), Describe);

            var o = LatencySummary.MedianOf([.. ours.Select(run => run.Latencies)]);
            var r = LatencySummary.MedianOf([.. redis.Select(run => run.Latencies)]);
            var f = LatencySummary.MedianOf([.. fusion.Select(run => run.Latencies)]);
            var lost = ours.Sum(run => run.Missing);
            var resyncs = ours.Sum(run => run.Resyncs);
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
                $"p4-invalidation-{name}-clients.png",
                $"P4: {what} ({settings.Name} run, {settings.Repeats} repeats)",
                [("OrleansCache: write → applied", ours.Select(run => run.Latencies).ToList()), ("Redis PUBLISH → subscribers", redis.Select(run => run.Latencies).ToList()), ("FusionCache backplane → other instances", fusion.Select(run => run.Latencies).ToList())],
                log);

            AddProfileRows(table, receivers, writes, ours, redis, fusion, o);
        }

        static string Describe(SideRun run) => $"p50/p99 {run.Latencies.P50:0}/{run.Latencies.P99:0} µs (GC pauses {run.Cost.GcPauseMilliseconds:0} ms, collections gen0/1/2 {run.Cost.Collections})";
    }

    /// <summary>
    /// Where our time goes: CPU and GC per write beside the peers', the writer's call until acknowledged (the feed was
    /// handed the invalidation before it), and the feed's stamp to the client receiving the batch (the product's own lag metric).
    /// </summary>
    private void AddProfileRows(ResultTable table, int receivers, int writes, List<SideRun> ours, List<SideRun> redis, List<SideRun> fusion, LatencySummary applied)
    {
        var clients = $"{receivers} client{(receivers > 1 ? "s" : "")}";
        var a = LatencySummary.MedianOf([.. ours.Select(run => run.Acknowledged!)]);
        var l = LatencySummary.MedianOf([.. ours.Select(run => run.FeedToClient!)]);
        double Cpu(List<SideRun> runs) => LatencySummary.Median(runs.Select(run => run.Cost.CpuSeconds * 1_000_000 / writes));
        double Gc(List<SideRun> runs) => LatencySummary.Median(runs.Select(run => run.Cost.GcPauseMilliseconds));

        // CPU per write, however busy the machine, over the paced writes and their deliveries only: ours counts this
        // process (writer, clients and, in process, the silos) and the silo processes; the peers count this process and
        // redis-server.
        var cpuWhat = $"profile, {clients}: CPU per write delivered to all ({(settings.Processes ? "this process + silo processes" : "this process")}; peers: + redis-server)";
        table.Add("P4", cpuWhat, Cpu(ours), Cpu(redis), "µs", "Redis PUBLISH → subscribers");
        table.Add("P4", cpuWhat, Cpu(ours), Cpu(fusion), "µs", "FusionCache backplane → other instances");
        // A collection stops every thread of the process, so its pauses land in the p99 of whatever was in flight.
        var gcWhat = $"profile, {clients}: GC pauses of this process during the paced writes ({(settings.Processes ? "writer and clients" : "writer, clients and silos")})";
        table.Add("P4", gcWhat, Gc(ours), Gc(redis), "ms", "Redis PUBLISH → subscribers");
        table.Add("P4", gcWhat, Gc(ours), Gc(fusion), "ms", "FusionCache backplane → other instances");
        table.Add("P4", $"profile, {clients}: write acknowledged, p50", a.P50, applied.P50, "µs", "write → applied p50");
        table.Add("P4", $"profile, {clients}: write acknowledged, p99", a.P99, applied.P99, "µs", "write → applied p99");
        table.Add("P4", $"profile, {clients}: feed → client received, p50", l.P50, applied.P50, "µs", "write → applied p50");
        table.Add("P4", $"profile, {clients}: feed → client received, p99", l.P99, applied.P99, "µs", "write → applied p99");
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
        var next = 0;
        Task<Throughput> Ours() => Measure.ThroughputAsync(() => writer.Cache.SetAsync(keys[Interlocked.Increment(ref next) % keys.Length], Value, cancellationToken: cancellationToken), inFlight: 64, settings.ThroughputDuration);
        Task<Throughput> Peer() => Measure.ThroughputAsync(() => fusion.Cache.SetAsync(keys[Interlocked.Increment(ref next) % keys.Length], Value, token: cancellationToken), inFlight: 64, settings.ThroughputDuration);

        // One pass of each not counted, for the same reason as the paced repeats wait for these.
        await Ours();
        await Peer();
        List<Throughput> ours = [], peer = [];
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            ours.Add(await Ours());
            peer.Add(await Peer());
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
        var ours = await RepeatAsync("ours", () => OrleansCacheSide.StartAsync(cluster, receivers, "p5:", log, cancellationToken), (side, repeat) => side.ThroughputAsync(repeat, count, cancellationToken), Describe);
        var redis = await RepeatAsync("Redis", () => RedisPubSubSide.StartAsync(redisConnection, redisProcessId, receivers, "p5:"), (side, repeat) => side.ThroughputAsync(repeat, count, cancellationToken), Describe);
        var fusion = await RepeatAsync("FusionCache", () => FusionBackplaneSide.StartAsync(redisConnection, redisProcessId, receivers, "p5f", log, cancellationToken), (side, repeat) => side.ThroughputAsync(repeat, count, cancellationToken), Describe);
        if (redis.Sum(r => r.Missing) > 0)
        {
            throw new InvalidOperationException("P5: Redis pub/sub lost messages.");
        }

        // A client that had to resynchronize, or an arrival that never came, is a loss: the row then misses its target
        // whatever the rate (the run goes on, so the rest of the table is still measured).
        var missing = ours.Sum(o => o.Missing);
        var resyncs = ours.Sum(o => o.Resyncs);
        var what = $"invalidations/s applied at each of {receivers} clients, " + (missing + resyncs == 0 ? "none lost" : $"{missing} arrivals missing, {resyncs} resyncs");
        var rate = LatencySummary.Median(ours.Select(o => o.PerSecond));
        foreach (var (peer, name) in new[] { (LatencySummary.Median(redis.Select(r => r.PerSecond)), $"Redis pub/sub to {receivers} subscribers"), (LatencySummary.Median(fusion.Select(f => f.PerSecond)), $"FusionCache backplane to {receivers} instances") })
        {
            table.AddAbsolute("P5", what, rate, peer, "ops/s", name, "≥ 1× and none lost", missing + resyncs == 0 && rate >= peer);
        }

        static string Describe(SideThroughput run) => $"{run.PerSecond:#,0}/s";
    }

    /// <summary>
    /// One side's repeats, back to back, with its sender and receivers started once. The sides take turns rather than
    /// interleave within a repeat: a side's idle receivers (our clients' feed heartbeats, a backplane's) would otherwise
    /// load the others' measurements. A first repeat, not counted, warms the side up: its receivers are new (their
    /// connections, subscriptions and, for the first count, the code that handles what they receive), and a silo
    /// process's write path may still run code not yet optimized.
    /// </summary>
    private async Task<List<T>> RepeatAsync<TSide, T>(string name, Func<Task<TSide>> start, Func<TSide, string, Task<T>> measure, Func<T, string> describe)
        where TSide : IInvalidationSide
    {
        await using var side = await start();
        var warmup = await measure(side, "warmup");
        log.WriteLine($"  {name}, warm-up (not counted): {describe(warmup)}; load {MachineLoad.OneMinute():0.0}");
        var runs = new List<T>();
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            runs.Add(await measure(side, repeat.ToString(CultureInfo.InvariantCulture)));
            log.WriteLine($"  {name}, repeat {repeat}: {describe(runs[^1])}; load {MachineLoad.OneMinute():0.0}");
        }

        return runs;
    }
}
