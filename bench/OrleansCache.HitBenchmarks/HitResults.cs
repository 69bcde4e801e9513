using BenchmarkDotNet.Reports;
using OrleansCache.Benchmarks.Infrastructure;

namespace OrleansCache.HitBenchmarks;

/// <summary>BenchmarkDotNet's summary as the harness's P1 rows: ours against each peer, with the issue's targets and verdicts.</summary>
internal static class HitResults
{
    /// <summary>Marks the rows as this project's, beside the harness's Stopwatch rows of the same names.</summary>
    public const string Method = "BenchmarkDotNet";

    public static ResultTable ToTable(Summary summary)
    {
        var table = new ResultTable();
        var cases = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => new Case(
                r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                (int)r.BenchmarkCase.Parameters[nameof(NearCacheHitBenchmarks.Keys)],
                (int)r.BenchmarkCase.Parameters[nameof(NearCacheHitBenchmarks.Threads)],
                r.ResultStatistics!.Median,
                r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) is { } bytes ? bytes : double.NaN))
            .ToList();

        foreach (var keys in cases.Select(c => c.Keys).Distinct().Order())
        {
            foreach (var threads in cases.Where(c => c.Keys == keys).Select(c => c.Threads).Distinct().Order())
            {
                Case? Find(string method) => cases.FirstOrDefault(c => c.Keys == keys && c.Threads == threads && c.Method == method);
                if (Find(nameof(NearCacheHitBenchmarks.NearCache)) is not { } ours)
                {
                    continue;
                }

                var what = $"near-cache hit, {keys:#,0} keys, {threads} thread{(threads > 1 ? "s" : "")}, {Method}";
                AddIfMeasured(table, what, ours, Find(nameof(NearCacheHitBenchmarks.Dictionary)), "ConcurrentDictionary", 1.5);
                AddIfMeasured(table, what, ours, Find(nameof(NearCacheHitBenchmarks.FusionCache)), "FusionCache L1 hit", 1.0);
                AddIfMeasured(table, what, ours, Find(nameof(NearCacheHitBenchmarks.HybridCache)), "HybridCache L1 hit", 1.0);
            }

            // Bytes per hit on one thread (with two, each invocation also hands the loop to the paired thread).
            if (cases.FirstOrDefault(c => c.Keys == keys && c.Threads == 1 && c.Method == nameof(NearCacheHitBenchmarks.NearCache)) is { } single)
            {
                var what = $"near-cache hit, {keys:#,0} keys, bytes allocated per hit, {Method}";
                foreach (var (method, name) in new[] { (nameof(NearCacheHitBenchmarks.Dictionary), "ConcurrentDictionary"), (nameof(NearCacheHitBenchmarks.FusionCache), "FusionCache L1 hit"), (nameof(NearCacheHitBenchmarks.HybridCache), "HybridCache L1 hit") })
                {
                    if (cases.FirstOrDefault(c => c.Keys == keys && c.Threads == 1 && c.Method == method) is { } peer)
                    {
                        table.AddAbsolute("P1", what, single.Bytes, peer.Bytes, "B/op", name, "0 B/op", single.Bytes < 0.5);
                    }
                }
            }
        }

        return table;
    }

    private static void AddIfMeasured(ResultTable table, string what, Case ours, Case? peer, string peerName, double target)
    {
        if (peer is not null)
        {
            table.Add("P1", what, ours.Nanoseconds, peer.Nanoseconds, "ns/op", peerName, target);
        }
    }

    private sealed record Case(string Method, int Keys, int Threads, double Nanoseconds, double Bytes);
}
