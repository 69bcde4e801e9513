using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.TestSupport.Peers;
using StackExchange.Redis;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P10: how long one writer waits for a write to a live entry to be acknowledged, one write at a time, against Redis
/// <c>SET</c> and FusionCache's <c>SetAsync</c> (L1, Redis L2, backplane publish). Every key is written once before the
/// timed writes, so ours measures a write to an active grain whose writer is already tracked, not an activation.
/// </summary>
internal sealed class WriteAckBenchmarks(BenchmarkSettings settings, TextWriter log, IBenchCluster cluster, string redisConnection)
{
    private const int Keys = 64;
    private static readonly byte[] Value = new byte[100];

    public async Task RunAsync(ResultTable table, CancellationToken cancellationToken)
    {
        log.WriteLine($"P10: write acknowledged, {settings.Samples:#,0} sequential writes over {Keys} live keys");
        await using var writer = await BenchClient.StartAsync(cluster, cancellationToken: cancellationToken);
        using var fusion = FusionCacheNode.WithRedis(redisConnection, "p10-fusion");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection);
        var database = redis.GetDatabase();
        var keys = Enumerable.Range(0, Keys).Select(i => "p10:" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        foreach (var key in keys)
        {
            await writer.Cache.SetAsync(key, Value, cancellationToken: cancellationToken);
            await fusion.Cache.SetAsync(key, Value, token: cancellationToken);
            await database.StringSetAsync(key, Value);
        }

        List<LatencySummary> ours = [], redisSet = [], fusionSet = [];
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            ours.Add(await Measure.LatencyAsync(i => writer.Cache.SetAsync(keys[i % Keys], Value, cancellationToken: cancellationToken), settings.Warmup, settings.Samples));
            redisSet.Add(await Measure.LatencyAsync(i => database.StringSetAsync(keys[i % Keys], Value), settings.Warmup, settings.Samples));
            fusionSet.Add(await Measure.LatencyAsync(i => fusion.Cache.SetAsync(keys[i % Keys], Value, token: cancellationToken).AsTask(), settings.Warmup, settings.Samples));
            log.WriteLine($"  repeat {repeat}: ours p50/p99 {ours[^1].P50:0}/{ours[^1].P99:0} µs, Redis SET {redisSet[^1].P50:0}/{redisSet[^1].P99:0} µs, FusionCache {fusionSet[^1].P50:0}/{fusionSet[^1].P99:0} µs; load {MachineLoad.OneMinute():0.0}");
        }

        var o = LatencySummary.MedianOf(ours);
        var r = LatencySummary.MedianOf(redisSet);
        var f = LatencySummary.MedianOf(fusionSet);
        const string What = "write to a live entry acknowledged, one writer, sequential";
        table.Add("P10", $"{What}, p50", o.P50, r.P50, "µs", "Redis SET");
        table.Add("P10", $"{What}, p99", o.P99, r.P99, "µs", "Redis SET");
        table.Add("P10", $"{What}, p50", o.P50, f.P50, "µs", "FusionCache SetAsync (L1 + L2 + backplane)", 1.5);
        table.Add("P10", $"{What}, p99", o.P99, f.P99, "µs", "FusionCache SetAsync (L1 + L2 + backplane)", 1.5);
    }
}
