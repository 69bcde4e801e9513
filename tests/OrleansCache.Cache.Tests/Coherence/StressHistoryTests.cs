using System.Diagnostics;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

/// <summary>
/// Several clients read and write a few hundred keys at random, a fixed number of operations each (a count, not a
/// duration, so a slow machine checks as much history as a fast one); every operation is recorded and the history is
/// checked afterwards against the consistency model in docs/consistency.md.
/// </summary>
public sealed class StressHistoryTests
{
    /// <summary>The documented staleness bound without faults (docs/consistency.md).</summary>
    private static readonly TimeSpan StalenessWindow = TimeSpan.FromSeconds(1);

    private static readonly SystemTextJsonCacheSerializer Serializer = new();

    public sealed record Written(int Writer, long Sequence);

    [Fact]
    public async Task RandomReadsAndWrites_NeverGoBackwards_AndAreNeverStalerThanTheWindow()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var clients = await CacheClusters.ClientsAsync(cluster, 4);
        var keys = Enumerable.Range(0, 300).Select(i => $"stress:{Guid.NewGuid():N}:{i}").ToArray();
        var clock = Stopwatch.StartNew();
        var writes = new List<WriteRecord>();
        var reads = new List<ReadRecord>();
        const int OperationsPerClient = 250;

        var workers = clients.Select((client, index) => Task.Run(async () =>
        {
            var random = new Random(index);
            var sequence = 0L;
            var localWrites = new List<WriteRecord>();
            var localReads = new List<ReadRecord>();
            for (var operation = 0; operation < OperationsPerClient; operation++)
            {
                var key = keys[random.Next(keys.Length)];
                if (random.Next(5) == 0)
                {
                    var value = new Written(index, ++sequence);
                    var started = clock.Elapsed;
                    // Through the grain, for the version; the writer's own copy is dropped by the pushed invalidation.
                    var version = await client.Client.GetGrain<ICacheEntryGrain>(key).SetAsync(Serializer.Serialize(value), CacheWriteOptions.Default, Guid.Empty);
                    localWrites.Add(new WriteRecord(key, value, version, started, clock.Elapsed));
                }
                else
                {
                    var started = clock.Elapsed;
                    var value = await client.Cache.GetAsync<Written>(key);
                    localReads.Add(new ReadRecord(index, key, value, started, clock.Elapsed));
                }
            }

            lock (writes)
            {
                writes.AddRange(localWrites);
                reads.AddRange(localReads);
            }
        })).ToList();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        var versionOf = writes.ToDictionary(w => (w.Key, w.Value), w => w);
        var writesByKey = writes.GroupBy(w => w.Key).ToDictionary(g => g.Key, g => g.OrderBy(w => w.Ended).ToList());
        var violations = new List<string>();
        var worstStaleness = TimeSpan.Zero;

        foreach (var read in reads.Where(r => r.Value is not null))
        {
            Assert.True(versionOf.ContainsKey((read.Key, read.Value!)), $"Read a value nobody wrote: {read.Value} of {read.Key}.");
        }

        // 1. No client's reads of a key go backwards in version.
        foreach (var perClientKey in reads.Where(r => r.Value is not null).GroupBy(r => (r.Client, r.Key)))
        {
            var last = CacheVersion.None;
            foreach (var read in perClientKey.OrderBy(r => r.Started))
            {
                var version = versionOf[(read.Key, read.Value!)].Version;
                if (version < last)
                {
                    violations.Add($"client {read.Client} read {read.Key} at {version} after {last}");
                }

                last = CacheVersion.Later(last, version);
            }
        }

        // 2. A read returns a version at least as new as every write acknowledged a staleness window before it began.
        foreach (var read in reads)
        {
            if (!writesByKey.TryGetValue(read.Key, out var keyWrites))
            {
                continue;
            }

            var readVersion = read.Value is null ? CacheVersion.None : versionOf[(read.Key, read.Value)].Version;
            var newer = keyWrites.Where(w => w.Ended < read.Started && w.Version > readVersion).ToList();
            if (newer.Count == 0)
            {
                continue;
            }

            var staleness = read.Started - newer.Min(w => w.Ended);
            worstStaleness = staleness > worstStaleness ? staleness : worstStaleness;
            if (staleness > StalenessWindow)
            {
                violations.Add($"client {read.Client} read {read.Key} at {readVersion}, {staleness.TotalMilliseconds:0} ms after a newer write was acknowledged");
            }
        }

        TestContext.Current.SendDiagnosticMessage($"{writes.Count} writes, {reads.Count} reads, worst staleness {worstStaleness.TotalMilliseconds:0.0} ms");
        Assert.True(writes.Count > 100 && reads.Count > 400, $"Too little traffic to mean anything: {writes.Count} writes, {reads.Count} reads.");
        Assert.Empty(violations);
    }

    private sealed record WriteRecord(string Key, Written Value, CacheVersion Version, TimeSpan Started, TimeSpan Ended);

    private sealed record ReadRecord(int Client, string Key, Written? Value, TimeSpan Started, TimeSpan Ended);
}
