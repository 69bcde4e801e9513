using System.Diagnostics;
using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Peers;
using OrleansCache.TestSupport.Peers;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P8: a burst of concurrent misses on one key from 10 application instances, each miss with the same value factory:
/// how many times the factory ran, and the time until every caller has the value. FusionCache and HybridCache protect
/// against stampedes per instance only, so they run it once per instance.
/// </summary>
internal sealed class StampedeBenchmarks(BenchmarkSettings settings, TextWriter log, IBenchCluster cluster, string redisConnection)
{
    private const int Instances = 10;

    public async Task RunAsync(ResultTable table, CancellationToken cancellationToken)
    {
        var calls = settings.BurstCalls;
        log.WriteLine($"P8: {calls:#,0} concurrent misses on one key from {Instances} instances");
        var clients = await BenchClient.StartManyAsync(cluster, Instances, cancellationToken: cancellationToken);
        var fusion = FusionCacheNode.ManyWithRedis(redisConnection, "p8-fusion", Instances);
        var hybrid = Enumerable.Range(0, Instances).Select(_ => HybridCacheNode.Create(redisConnection)).ToList();
        try
        {
            // The yardstick: one remote read through the hosting gateway.
            var owner = cluster.Silos[0];
            await using var reader = await BenchClient.StartAsync(cluster, [owner], cancellationToken: cancellationToken);
            var grain = reader.Client.GetGrain<ICacheEntryGrain>((await KeyOwnership.ReadAsync(reader.Client)).KeysOwnedBy(owner, "p8:read:", 1)[0]);
            await grain.SetAsync(new byte[100], CacheWriteOptions.Default, Guid.Empty);
            var read = await Measure.LatencyAsync(_ => grain.GetAsync(Guid.Empty).AsTask(), settings.Warmup, settings.Samples);

            // A first burst on another key warms every path (JIT, activation), for us and the peers.
            await BurstAsync("p8:warm", (i, key, factory) => clients[i % Instances].Cache.GetOrCreateAsync(key, factory, cancellationToken: cancellationToken));
            await BurstAsync("p8:warm", (i, key, factory) => fusion[i % Instances].Cache.GetOrSetAsync<string>(key, (_, ct) => factory(ct), token: cancellationToken).AsTask());
            await BurstAsync("p8:warm", (i, key, factory) => hybrid[i % Instances].Cache.GetOrCreateAsync(key, ct => new ValueTask<string>(factory(ct)), cancellationToken: cancellationToken).AsTask());

            List<(double Micros, int Runs)> ours = [], fusions = [], hybrids = [];
            for (var repeat = 0; repeat < settings.Repeats; repeat++)
            {
                var key = $"p8:{repeat.ToString(CultureInfo.InvariantCulture)}";
                ours.Add(await BurstAsync(key, (i, k, factory) => clients[i % Instances].Cache.GetOrCreateAsync(k, factory, cancellationToken: cancellationToken)));
                fusions.Add(await BurstAsync(key, (i, k, factory) => fusion[i % Instances].Cache.GetOrSetAsync<string>(k, (_, ct) => factory(ct), token: cancellationToken).AsTask()));
                hybrids.Add(await BurstAsync(key, (i, k, factory) => hybrid[i % Instances].Cache.GetOrCreateAsync(k, ct => new ValueTask<string>(factory(ct)), cancellationToken: cancellationToken).AsTask()));
            }

            var time = LatencySummary.Median(ours.Select(o => o.Micros));
            var runs = ours.Max(o => o.Runs);
            var what = $"{calls:#,0} concurrent misses on one key from {Instances} instances";
            table.Add("P8", $"{what}: time until all have the value", time, read.P50, "µs", "one remote read p50", 3.0);
            table.Add("P8", $"{what}: time until all have the value", time, LatencySummary.Median(fusions.Select(o => o.Micros)), "µs", "FusionCache, same factory");
            table.Add("P8", $"{what}: time until all have the value", time, LatencySummary.Median(hybrids.Select(o => o.Micros)), "µs", "HybridCache, same factory");
            table.AddAbsolute("P8", $"{what}: factory runs (most in a repeat)", runs, fusions.Max(o => o.Runs), "runs", "FusionCache, same factory", "1 run", runs == 1);
            table.AddAbsolute("P8", $"{what}: factory runs (most in a repeat)", runs, hybrids.Max(o => o.Runs), "runs", "HybridCache, same factory", "1 run", runs == 1);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            fusion.ForEach(f => f.Dispose());
            hybrid.ForEach(h => h.Dispose());
        }
    }

    /// <summary>Starts every call at once (each with the counting factory) and times until the last has its value.</summary>
    private async Task<(double Micros, int Runs)> BurstAsync(string key, Func<int, string, Func<CancellationToken, Task<string>>, Task<string>> call)
    {
        var runs = 0;
        async Task<string> Factory(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            await Task.Yield();
            return "made once";
        }

        var start = Stopwatch.GetTimestamp();
        var results = await Task.WhenAll(Enumerable.Range(0, settings.BurstCalls).Select(i => call(i, key, Factory)));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        if (results.Any(r => r != "made once"))
        {
            throw new InvalidOperationException($"P8: a caller of {key} got another value.");
        }

        return (elapsed, runs);
    }
}
