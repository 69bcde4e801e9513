using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Peers;
using OrleansCache.TestSupport.Peers;
using OrleansCache.Client;
using OrleansCache.Client.NearCaching;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P7: memory per near-cache entry (against a FusionCache L1 entry) and per grain activation. Keys and values are
/// allocated before the first heap reading, so the difference between the readings is what the cache adds beyond them.
/// Activations are counted on a one-silo cluster in this process, in both modes, because only this process's heap can be read.
/// </summary>
internal sealed class MemoryBenchmarks(BenchmarkSettings settings, TextWriter log)
{
    private const int ValueSize = 100;

    public void CacheEntries(ResultTable table)
    {
        var count = settings.MemoryEntries;
        log.WriteLine($"P7: {count:#,0} near-cache and FusionCache entries");
        var keys = Keys(count, "p7:near:");
        var values = Enumerable.Range(0, count).Select(_ => new byte[ValueSize]).ToArray();

        var before = HeapBytes();
        var cache = new NearCache(new NearCacheOptions { MaxEntries = count * 2, DefaultTtl = TimeSpan.FromHours(1) }, TimeProvider.System);
        for (var i = 0; i < count; i++)
        {
            // What the client does on a miss: a fill ticket, then the value the owning grain returned (with no tags).
            var ticket = cache.BeginFill(keys[i]);
            cache.CompleteFill(ticket, new CacheEntry(values[i], new CacheVersion(1, 1, i + 1), null, []));
        }

        var ours = (HeapBytes() - before) / (double)count;
        GC.KeepAlive(cache);

        before = HeapBytes();
        var fusion = FusionCacheNode.MemoryOnly();
        for (var i = 0; i < count; i++)
        {
            fusion.Cache.Set(keys[i], values[i]);
        }

        var peer = (HeapBytes() - before) / (double)count;
        GC.KeepAlive(fusion);
        fusion.Dispose();
        GC.KeepAlive(values);
        table.AddAbsolute("P7", $"bytes per near-cache entry beyond key and value, {count:#,0} entries", ours, peer, "B", "FusionCache L1 entry", "≤ 100 B", ours <= 100);
    }

    public async Task ActivationsAsync(ResultTable table, CancellationToken cancellationToken)
    {
        var count = settings.MemoryEntries;
        log.WriteLine($"P7: {count:#,0} grain activations");
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, cancellationToken);
        await using var client = await BenchClient.StartAsync(cluster, cancellationToken: cancellationToken);
        var keys = Keys(count, "p7:grain:");
        var management = client.Client.GetGrain<IManagementGrain>(0);
        await client.Client.GetGrain<ICacheEntryGrain>("p7:warm").GetVersionAsync(Guid.Empty);
        var activationsBefore = await management.GetTotalActivationCount(cancellationToken);
        var before = HeapBytes();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, _) =>
            await client.Client.GetGrain<ICacheEntryGrain>(keys[i]).GetVersionAsync(Guid.Empty));
        var after = HeapBytes();
        var activations = await management.GetTotalActivationCount(cancellationToken) - activationsBefore;

        // The silo holds its own copy of each key (decoded from the wire); that is the key, not overhead.
        var keyBytes = keys.Sum(k => StringBytes(k.Length));
        var perActivation = (after - before - keyBytes) / (double)Math.Max(1, activations);
        GC.KeepAlive(keys);
        table.AddAbsolute("P7", $"bytes per grain activation beyond its key, {activations:#,0} activations (in-memory storage)", perActivation, 1024, "B", "budget", "≤ 1 KB", perActivation <= 1024);
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
