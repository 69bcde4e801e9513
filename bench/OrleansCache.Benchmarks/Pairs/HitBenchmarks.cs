using System.Collections.Concurrent;
using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Peers;
using OrleansCache.TestSupport.Peers;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P1: a near-cache hit against a <see cref="ConcurrentDictionary{TKey, TValue}"/> lookup of the same keys, a FusionCache
/// L1 hit and a HybridCache L1 hit. Each is a tight loop over the same key sequence; the table shows the median of the repeats.
/// </summary>
internal sealed class HitBenchmarks(BenchmarkSettings settings, TextWriter log, IBenchCluster cluster)
{
    /// <summary>Hits per allocation count: the counter is exact, so a non-zero result needs no more.</summary>
    private const int BytesIterations = 100_000;

    public async Task RunAsync(ResultTable table, CancellationToken cancellationToken)
    {
        foreach (var keyCount in settings.KeyCounts)
        {
            log.WriteLine($"P1: {keyCount:#,0} keys");
            var keys = Enumerable.Range(0, keyCount).Select(i => $"p1:{keyCount}:{i.ToString(CultureInfo.InvariantCulture)}").ToArray();
            await using var writer = await BenchClient.StartAsync(cluster, cancellationToken: cancellationToken);
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (k, ct) => await writer.Cache.SetAsync(k, "v", cancellationToken: ct));
            await using var reader = await BenchClient.StartAsync(cluster, configure: o => o.NearCache.MaxEntries = keyCount * 2, cancellationToken: cancellationToken);
            var cache = reader.Cache;
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (k, ct) => await cache.GetAsync<string>(k, ct));

            var dictionary = new ConcurrentDictionary<string, object>(keys.Select(k => new KeyValuePair<string, object>(k, "v")), StringComparer.Ordinal);
            using var fusion = FusionCacheNode.MemoryOnly();
            using var hybrid = HybridCacheNode.Create(redisConnection: null);
            foreach (var key in keys)
            {
                fusion.Cache.Set(key, "v", token: cancellationToken);
                await hybrid.Cache.SetAsync(key, "v", cancellationToken: cancellationToken);
            }

            void Ours(int thread, int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var read = cache.GetAsync<string>(keys[(i + (thread * 7919)) % keys.Length], CancellationToken.None);
                    if (!read.IsCompletedSuccessfully || read.Result is null)
                    {
                        throw new InvalidOperationException("A near-cache read went remote: the benchmark is not measuring hits.");
                    }
                }
            }

            void Dictionary(int thread, int n)
            {
                for (var i = 0; i < n; i++)
                {
                    dictionary.TryGetValue(keys[(i + (thread * 7919)) % keys.Length], out _);
                }
            }

            void Fusion(int thread, int n)
            {
                for (var i = 0; i < n; i++)
                {
                    if (!fusion.Cache.TryGet<string>(keys[(i + (thread * 7919)) % keys.Length], token: CancellationToken.None).HasValue)
                    {
                        throw new InvalidOperationException("A FusionCache L1 read missed.");
                    }
                }
            }

            void Hybrid(int thread, int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var read = hybrid.Cache.GetOrCreateAsync(keys[(i + (thread * 7919)) % keys.Length], static _ => ValueTask.FromResult("missed"), cancellationToken: CancellationToken.None);
                    if (!read.IsCompletedSuccessfully || read.Result != "v")
                    {
                        throw new InvalidOperationException("A HybridCache L1 read missed.");
                    }
                }
            }

            foreach (var threads in new[] { 1, 2 })
            {
                double Median(Action<int, int> loop) => LatencySummary.Median(Enumerable.Range(0, settings.Repeats).Select(_ => Measure.NanosecondsPerCall(loop, settings.HitDuration, keys.Length, threads)));
                var ours = Median(Ours);
                var what = $"near-cache hit, {keyCount:#,0} keys, {threads} thread{(threads > 1 ? "s" : "")}";
                table.Add("P1", what, ours, Median(Dictionary), "ns/op", "ConcurrentDictionary", 1.5);
                table.Add("P1", what, ours, Median(Fusion), "ns/op", "FusionCache L1 hit", 1.0);
                table.Add("P1", what, ours, Median(Hybrid), "ns/op", "HybridCache L1 hit", 1.0);
            }

            var bytes = Measure.BytesPerCall(Ours, BytesIterations);
            table.AddAbsolute("P1", $"near-cache hit, {keyCount:#,0} keys, bytes allocated per hit", bytes, Measure.BytesPerCall(Fusion, BytesIterations), "B/op", "FusionCache L1 hit", "0 B/op", bytes < 0.5);
            table.AddAbsolute("P1", $"near-cache hit, {keyCount:#,0} keys, bytes allocated per hit", bytes, Measure.BytesPerCall(Hybrid, BytesIterations), "B/op", "HybridCache L1 hit", "0 B/op", bytes < 0.5);
        }
    }
}
