using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Client.Caching;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P11, how cost grows: P1's near-cache hit and P2's near-cache miss with 10k, 100k and 1M entries in the cluster and in
/// the reading client's near-cache (<see cref="BenchmarkSettings.GrowthSizes"/>), each size against the smallest; and
/// P4's p99 at its most receivers against its fewest, read from P4's rows of the same run. The issue's target: flat
/// within 2× across sizes.
/// </summary>
/// <remarks>
/// One reader, on the owner silo's gateway only (as P2's), keeps every entry it read, so its near-cache grows with the
/// cluster. Each size adds keys to the ones before: the largest size is written and read once in all. A
/// <see cref="ConcurrentDictionary{TKey, TValue}"/> over the same keys is the yardstick for what the memory hierarchy
/// alone makes of the larger sizes.
/// </remarks>
internal sealed class GrowthBenchmarks(BenchmarkSettings settings, TextWriter log, IBenchCluster cluster)
{
    private const double Target = 2.0;
    private const string P4Peer = "Redis PUBLISH → subscribers";
    private static readonly byte[] Value = [.. Enumerable.Range(0, 100).Select(i => (byte)i)];

    public async Task RunAsync(ResultTable table, CancellationToken cancellationToken)
    {
        var sizes = settings.GrowthSizes.Order().ToArray();
        var owner = cluster.Silos[0];
        var missesPerRepeat = settings.Warmup + settings.Samples;
        await using var writer = await BenchClient.StartAsync(cluster, cancellationToken: cancellationToken);
        var ownership = await KeyOwnership.ReadAsync(writer.Client);
        // Room and time for every entry this pair reads: nothing is evicted or expires (filling 1M entries takes longer
        // than the default 5 minutes), so each size holds all its entries.
        var capacity = sizes[^1] + (missesPerRepeat * settings.Repeats * sizes.Length) + 1_000;
        await using var reader = await BenchClient.StartAsync(
            cluster,
            [owner],
            o =>
            {
                o.NearCache.MaxEntries = capacity;
                o.NearCache.DefaultTtl = TimeSpan.FromHours(6);
            },
            cancellationToken);
        var cache = reader.Cache;

        var keys = new List<string>(sizes[^1]);
        var hits = new List<double>();
        var lookups = new List<double>();
        var misses = new List<LatencySummary>();
        var unheld = new List<int>();
        foreach (var size in sizes)
        {
            var started = Stopwatch.GetTimestamp();
            var added = Enumerable.Range(keys.Count, size - keys.Count).Select(i => "p11:" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            await ForEachAsync(added, (k, ct) => RetryingAsync(async () => await writer.Cache.SetAsync(k, Value, cancellationToken: ct)), cancellationToken);
            await ForEachAsync(added, (k, ct) => RetryingAsync(async () => await cache.GetAsync<byte[]>(k, ct)), cancellationToken);
            keys.AddRange(added);
            unheld.Add(await HoldAllAsync(cache, keys, cancellationToken));
            log.WriteLine($"P11: {size:#,0} entries written and read in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; load {MachineLoad.OneMinute():0.0}");

            var all = keys.ToArray();
            var dictionary = new ConcurrentDictionary<string, byte[]>(all.Select(k => new KeyValuePair<string, byte[]>(k, Value)), StringComparer.Ordinal);
            hits.Add(HitsOrNaN(() => Median(() => Measure.NanosecondsPerCall(HitLoop(cache, all), settings.HitDuration, all.Length, threads: 1))));
            lookups.Add(Median(() => Measure.NanosecondsPerCall(LookupLoop(dictionary, all), settings.HitDuration, all.Length, threads: 1)));

            var repeats = new List<LatencySummary>();
            for (var repeat = 0; repeat < settings.Repeats; repeat++)
            {
                var fresh = ownership.KeysOwnedBy(owner, $"p11:miss:{size.ToString(CultureInfo.InvariantCulture)}:{repeat.ToString(CultureInfo.InvariantCulture)}:", missesPerRepeat);
                await ForEachAsync(fresh, (k, ct) => new ValueTask(writer.Cache.SetAsync(k, Value, cancellationToken: ct)), cancellationToken);
                repeats.Add(await Measure.LatencyAsync(async i => Check(await cache.GetAsync<byte[]>(fresh[i], cancellationToken)), settings.Warmup, settings.Samples));
            }

            misses.Add(LatencySummary.MedianOf(repeats));
            log.WriteLine($"  hit {hits[^1]:0.0} ns (dictionary {lookups[^1]:0.0} ns), miss p50/p99 {misses[^1].P50:0}/{misses[^1].P99:0} µs; near-cache {((CacheClient)cache).NearCache.Count:#,0} entries");
        }

        var smallest = $"the same at {sizes[0]:#,0} entries";
        for (var i = 1; i < sizes.Length; i++)
        {
            var at = $"{sizes[i]:#,0} entries";
            var notHeld = unheld[i] > 0 ? $" ({unheld[i]:#,0} entries not served from the near-cache)" : "";
            table.Add("P11", $"near-cache hit, {at}, 1 thread{notHeld}", hits[i], hits[0], "ns/op", smallest, Target);
            table.Add("P11", $"profile: ConcurrentDictionary lookup, {at}, 1 thread", lookups[i], lookups[0], "ns/op", smallest);
            table.Add("P11", $"near-cache miss, {at}, p50", misses[i].P50, misses[0].P50, "µs", smallest, Target);
            table.Add("P11", $"near-cache miss, {at}, p99", misses[i].P99, misses[0].P99, "µs", smallest);
        }

        AddInvalidationGrowth(table);
    }

    /// <summary>P4's p99 at its most receivers against its fewest, ours and Redis pub/sub's, if P4 ran before in this run.</summary>
    private void AddInvalidationGrowth(ResultTable table)
    {
        var p99 = table.Rows
            .Where(r => r.Id == "P4" && r.PeerName == P4Peer && r.What.StartsWith("write → invalidation applied, ", StringComparison.Ordinal) && r.What.Contains(", p99", StringComparison.Ordinal))
            .Select(r => (Receivers: ReceiversOf(r.What), Row: r))
            .OrderBy(r => r.Receivers)
            .ToList();
        if (p99.Count < 2)
        {
            log.WriteLine("P11: P4 did not run with two receiver counts in this run, so P4's growth is not reported (--only P4,P11 --receivers 1,50).");
            return;
        }

        var (fewest, first) = p99[0];
        var (most, last) = p99[^1];
        var clients = (int n) => $"{n} client{(n > 1 ? "s" : "")}";
        table.Add("P11", $"write → invalidation applied p99, {clients(most)} (P4)", last.Ours, first.Ours, "µs", $"the same at {clients(fewest)}", Target);
        table.Add("P11", $"profile: Redis PUBLISH → subscribers p99, {clients(most)} (P4)", last.Peer, first.Peer, "µs", $"the same at {clients(fewest)}");
    }

    /// <summary>
    /// Reads again every key the near-cache does not serve (a fill that a resynchronization voided, on a loaded machine),
    /// until it serves them all, so the hit loop measures hits only.
    /// </summary>
    /// <returns>How many it still does not serve after five passes (then the hit is not measured: NaN).</returns>
    private async Task<int> HoldAllAsync(IOrleansCache cache, List<string> keys, CancellationToken cancellationToken)
    {
        var near = ((CacheClient)cache).NearCache;
        for (var pass = 0; pass < 5; pass++)
        {
            var missing = keys.Where(k => !near.TryGet(k, out _)).ToArray();
            if (missing.Length == 0)
            {
                return 0;
            }

            log.WriteLine($"  {missing.Length:#,0} entries were not held; reading them again");
            await ForEachAsync(missing, (k, ct) => RetryingAsync(async () => await cache.GetAsync<byte[]>(k, ct)), cancellationToken);
        }

        var left = keys.Count(k => !near.TryGet(k, out _));
        log.WriteLine($"  {left:#,0} entries are still not served from the near-cache");
        return left;
    }

    /// <summary>The hit figure, or NaN when a read went remote (the near-cache stopped serving some entries): the run goes on to its table.</summary>
    private double HitsOrNaN(Func<double> measure)
    {
        try
        {
            return measure();
        }
        catch (InvalidOperationException ex)
        {
            log.WriteLine($"  P11: hit not measured: {ex.Message}");
            return double.NaN;
        }
    }

    /// <summary>
    /// A filling call, tried again after a timeout: filling 1M entries on a loaded 2-core machine met Orleans' 10 s
    /// response timeout once. Writing the same value again and reading again are both harmless; measured calls are not retried.
    /// </summary>
    private static async ValueTask RetryingAsync(Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (TimeoutException) when (attempt < 5)
            {
                // Tried again below.
            }
        }
    }

    private static int ReceiversOf(string what)
    {
        var text = what["write → invalidation applied, ".Length..];
        return int.Parse(text[..text.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    private double Median(Func<double> measure) => LatencySummary.Median(Enumerable.Range(0, settings.Repeats).Select(_ => measure()));

    private static Action<int, int> HitLoop(IOrleansCache cache, string[] keys) => (thread, n) =>
    {
        for (var i = 0; i < n; i++)
        {
            var read = cache.GetAsync<byte[]>(keys[(i + (thread * 7919)) % keys.Length], CancellationToken.None);
            if (!read.IsCompletedSuccessfully || read.Result is null)
            {
                throw new InvalidOperationException("A near-cache read went remote: P11 is not measuring hits.");
            }
        }
    };

    private static Action<int, int> LookupLoop(ConcurrentDictionary<string, byte[]> dictionary, string[] keys) => (thread, n) =>
    {
        for (var i = 0; i < n; i++)
        {
            dictionary.TryGetValue(keys[(i + (thread * 7919)) % keys.Length], out _);
        }
    };

    private static Task ForEachAsync(string[] keys, Func<string, CancellationToken, ValueTask> operation, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, operation);

    private static void Check(byte[]? value)
    {
        if (value is null)
        {
            throw new InvalidOperationException("P11: a read found no value; the benchmark would measure the wrong path.");
        }
    }
}
