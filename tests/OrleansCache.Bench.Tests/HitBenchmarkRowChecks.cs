using Xunit;

namespace OrleansCache.Bench.Tests;

/// <summary>
/// P1 with BenchmarkDotNet (bench/OrleansCache.HitBenchmarks, its dry job in a tiny run, 100 keys): the near-cache hit
/// against each peer at 1 and 2 threads, and bytes per hit, every figure measured. Targets are not checked (one cold
/// invocation on a busy machine says nothing about them).
/// </summary>
internal static class HitBenchmarkRowChecks
{
    public static void AssertBenchmarkDotNetRows(IReadOnlyList<TableRow> rows, string keys)
    {
        var measured = rows.Where(r => r.What.EndsWith(", BenchmarkDotNet", StringComparison.Ordinal)).ToList();
        Assert.All(measured, r => Assert.Equal("P1", r.Id));
        foreach (var threads in new[] { "1 thread", "2 threads" })
        {
            foreach (var (peer, target) in new[] { ("ConcurrentDictionary", "≤ 1.5×"), ("FusionCache L1 hit", "≤ 1×"), ("HybridCache L1 hit", "≤ 1×") })
            {
                var row = Assert.Single(measured, r => r.What == $"near-cache hit, {keys} keys, {threads}, BenchmarkDotNet" && r.PeerName == peer);
                Assert.Equal("ns/op", row.Unit);
                Assert.Equal(target, row.Target);
                Assert.NotNull(row.Met);
                // A lookup in memory takes nanoseconds to microseconds; 0 or a millisecond means a broken measurement.
                Assert.InRange(row.Ours, 0.1, 1_000_000);
                Assert.InRange(row.Peer, 0.1, 1_000_000);
            }
        }

        var bytes = measured.Where(r => r.What == $"near-cache hit, {keys} keys, bytes allocated per hit, BenchmarkDotNet").ToList();
        Assert.Equal(["ConcurrentDictionary", "FusionCache L1 hit", "HybridCache L1 hit"], bytes.Select(r => r.PeerName).Order(StringComparer.Ordinal));
        Assert.All(bytes, r => Assert.True(r.Unit == "B/op" && r.Ours >= 0 && r.Peer >= 0 && r.Target == "0 B/op" && r.Met is not null, r.ToString()));
        Assert.Equal(9, measured.Count);
    }
}
