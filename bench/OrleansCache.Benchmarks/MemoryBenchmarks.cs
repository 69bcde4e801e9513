using System.Globalization;
using OrleansCache.Client;
using OrleansCache.Client.NearCaching;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;

namespace OrleansCache.Benchmarks;

/// <summary>
/// P7: memory per near-cache entry and per grain activation. Keys and values are allocated before the first heap reading,
/// so the difference between the readings is what the cache adds beyond them.
/// </summary>
internal sealed class MemoryBenchmarks(BenchmarkSettings settings, TextWriter log)
{
    private const int ValueSize = 100;

    public void NearCacheEntries(ResultTable table)
    {
        var count = settings.MemoryEntries;
        log.WriteLine($"P7: {count:#,0} near-cache entries");
        var keys = Keys(count, "p7:near:");
        var values = Enumerable.Range(0, count).Select(_ => new byte[ValueSize]).ToArray();
        var cache = new NearCache(new NearCacheOptions { MaxEntries = count * 2, DefaultTtl = TimeSpan.FromHours(1) }, TimeProvider.System);

        var before = HeapBytes();
        for (var i = 0; i < count; i++)
        {
            // What the client does on a miss: a fill ticket, then the value the owning grain returned (with no tags).
            var ticket = cache.BeginFill(keys[i]);
            cache.CompleteFill(ticket, new CacheEntry(values[i], new CacheVersion(1, 1, i + 1), null, []));
        }

        var perEntry = (HeapBytes() - before) / (double)count;
        GC.KeepAlive(cache);
        GC.KeepAlive(values);
        table.Add("P7", $"bytes per near-cache entry beyond key and value, {count:#,0} entries", perEntry, 200, "B", 1.0, lowerIsBetter: true, "budget");
    }

    public async Task ActivationsAsync(TestCluster cluster, ResultTable table)
    {
        var count = settings.MemoryEntries;
        log.WriteLine($"P7: {count:#,0} grain activations");
        var keys = Keys(count, "p7:grain:");
        var client = await cluster.CreateClientAsync();
        var before = HeapBytes();
        var activationsBefore = cluster.Silos.Sum(s => s.ActivationCount);
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 128 }, async (i, _) =>
            await client.GetGrain<ICacheEntryGrain>(keys[i]).GetVersionAsync());
        var activations = cluster.Silos.Sum(s => s.ActivationCount) - activationsBefore;
        var after = HeapBytes();

        // The silo holds its own copy of each key (decoded from the wire); that is the key, not overhead.
        var keyBytes = keys.Sum(k => StringBytes(k.Length));
        var perActivation = (after - before - keyBytes) / (double)activations;
        GC.KeepAlive(keys);
        table.Add("P7", $"bytes per grain activation beyond its key, {activations:#,0} activations", perActivation, 1024, "B", 1.0, lowerIsBetter: true, "budget");
        await client.DisposeAsync();
    }

    private static string[] Keys(int count, string prefix) =>
        [.. Enumerable.Range(0, count).Select(i => prefix + i.ToString("D7", CultureInfo.InvariantCulture))];

    /// <summary>A string's size on a 64-bit runtime: header, method table, length, UTF-16 characters and terminator, rounded to 8.</summary>
    private static long StringBytes(int length) => (20 + (2L * (length + 1)) + 7) / 8 * 8;

    private static long HeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
