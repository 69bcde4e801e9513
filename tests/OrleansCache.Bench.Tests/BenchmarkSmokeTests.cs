using Xunit;

namespace OrleansCache.Bench.Tests;

/// <summary>
/// The harness runs every pair at tiny sizes and prints a complete table: each pair with its peers measured in the same
/// run, every figure a sane number. Targets are not checked here (tiny runs on a busy machine say nothing about them);
/// that the harness still measures what it claims to is.
/// </summary>
[Collection(BenchCollection.Name)]
public sealed class BenchmarkSmokeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>For each pair, the peers its rows must name (by a part of the peer's name).</summary>
    private static readonly Dictionary<string, string[]> PeersByPair = new()
    {
        ["P1"] = ["ConcurrentDictionary", "FusionCache L1 hit", "HybridCache L1 hit"],
        ["P2"] = ["Redis GET", "socket ping-pong floor", "FusionCache L1 miss", "HybridCache L1 miss"],
        ["P3"] = ["pipelined Redis GET"],
        ["P4"] = ["Redis PUBLISH", "FusionCache backplane"],
        ["P5"] = ["Redis pub/sub", "FusionCache backplane"],
        ["P6"] = ["hosting gateway"],
        ["P7"] = ["FusionCache L1 entry", "budget"],
        ["P8"] = ["one remote read", "FusionCache, same factory", "HybridCache, same factory"],
        ["P9"] = ["FusionCache + backplane", "HybridCache, no invalidation"],
        ["P10"] = ["Redis SET", "FusionCache SetAsync"],
        ["P11"] = ["the same at"],
    };

    [Fact]
    public async Task TinyRun_WithInProcessSilos_PrintsEveryPairWithItsPeers_AndSaneNumbers()
    {
        var plots = Directory.CreateTempSubdirectory("oc-bench-plots-");
        try
        {
            var run = await BenchmarkRunResult.RunAsync(Timeout, TestContext.Current.CancellationToken, "--tiny", "--plots", plots.FullName);
            TestContext.Current.TestOutputHelper?.WriteLine(run.Output);

            Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Errors}");
            Assert.Contains("3 in-process silos,", run.Output, StringComparison.Ordinal);
            AssertComplete(run, PeersByPair.Keys);
            AssertSane(run.Rows);
            AssertInvalidationAndStampedeRows(run);
            AssertStalenessRows(run);
            GrowthRowChecks.AssertGrowthRows(run.Rows);
            HitBenchmarkRowChecks.AssertBenchmarkDotNetRows(run.Rows, keys: "100");
            AssertPlots(plots.FullName, "p2-near-cache-miss.png", "p4-invalidation-1-clients.png", "p4-invalidation-2-clients.png");
        }
        finally
        {
            plots.Delete(recursive: true);
        }
    }

    /// <summary>Each plot the run names exists and is a PNG image of some substance (a chart, not an empty canvas).</summary>
    private static void AssertPlots(string directory, params string[] names)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        foreach (var name in names)
        {
            var path = Path.Combine(directory, name);
            Assert.True(File.Exists(path), $"{name} was not written");
            var bytes = File.ReadAllBytes(path);
            Assert.True(bytes.AsSpan().StartsWith(signature), $"{name} is not a PNG");
            Assert.True(bytes.Length > 10_000, $"{name} has only {bytes.Length} bytes");
        }
    }

    private static void AssertInvalidationAndStampedeRows(BenchmarkRunResult run)
    {
        // P4 at each receiver count of the tiny run, with both peers, p50/p99/max each.
        foreach (var receivers in new[] { "1 client,", "2 clients," })
        {
            var rows = run.Rows.Where(r => r.Id == "P4" && r.What.StartsWith("write → invalidation applied, " + receivers, StringComparison.Ordinal)).ToList();
            Assert.Equal(6, rows.Count);
            Assert.All(rows, r => Assert.True(r.Ours > 0 && r.Peer > 0, $"{r.What} / {r.PeerName}"));
            var ours = rows.Where(r => r.PeerName.StartsWith("Redis", StringComparison.Ordinal)).Select(r => r.Ours).ToList();
            Assert.True(ours[0] <= ours[1] && ours[1] <= ours[2], $"p50 {ours[0]} ≤ p99 {ours[1]} ≤ max {ours[2]}");
            Assert.Contains(rows, r => r.Target == "≤ 1×" && r.Met is not null);
        }

        // Exactly one factory run for ours; the peers protect per instance only, so up to one per instance.
        var factory = run.Rows.Where(r => r.Id == "P8" && r.What.Contains("factory runs", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(factory);
        Assert.All(factory, r => Assert.Equal(1, r.Ours));
        Assert.All(factory, r => Assert.InRange(r.Peer, 1, 10));
    }

    private static void AssertStalenessRows(BenchmarkRunResult run)
    {
        // P9: the 100 ms count has its verdict against both peers; HybridCache, which nothing invalidates across
        // instances, shows stale reads (the workload and its checker see staleness where there is some).
        var target = run.Rows.Where(r => r.Id == "P9" && r.What.Contains("acknowledged 100 ms before", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, target.Count);
        Assert.All(target, r => Assert.True(r.Target == "0" && r.Met is not null, r.What));
        Assert.Contains(run.Rows, r => r.Id == "P9" && r.PeerName.StartsWith("HybridCache", StringComparison.Ordinal) && r.What.Contains("acknowledged 10 ms before", StringComparison.Ordinal) && r.Peer > 0);

        // P10: p50 ≤ p99 for ours, against both peers, with the 1.5× verdict against FusionCache.
        var writes = run.Rows.Where(r => r.Id == "P10").ToList();
        Assert.Equal(4, writes.Count);
        Assert.True(writes[0].Ours <= writes[1].Ours, $"p50 {writes[0].Ours} ≤ p99 {writes[1].Ours}");
        Assert.Equal(2, writes.Count(r => r.Target == "≤ 1.5×" && r.Met is not null));
    }

    [Fact]
    public async Task TinyRun_WithSiloProcesses_MeasuresTheRemotePairsAgainstTheirPeers()
    {
        string[] pairs = ["P2", "P3", "P4", "P6"];
        var run = await BenchmarkRunResult.RunAsync(Timeout, TestContext.Current.CancellationToken, "--tiny", "--processes", "--only", string.Join(',', pairs));
        TestContext.Current.TestOutputHelper?.WriteLine(run.Output);

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Errors}");
        Assert.Contains("3 silo processes,", run.Output, StringComparison.Ordinal);
        AssertComplete(run, pairs);
        AssertSane(run.Rows);
        Assert.DoesNotContain(run.Rows, r => r.Id is "P1" or "P5" or "P7" or "P8" or "P9" or "P10");
    }

    [Fact]
    public async Task TinyRun_WithOneSilo_MeasuresP4_AndRefusesP6WithOneLine()
    {
        var refused = await BenchmarkRunResult.RunAsync(Timeout, TestContext.Current.CancellationToken, "--tiny", "--silos", "1");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("P6", refused.Errors, StringComparison.Ordinal);
        Assert.Single(refused.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var run = await BenchmarkRunResult.RunAsync(Timeout, TestContext.Current.CancellationToken, "--tiny", "--silos", "1", "--only", "P4");
        TestContext.Current.TestOutputHelper?.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Errors}");
        Assert.Contains("1 in-process silo,", run.Output, StringComparison.Ordinal);
        AssertComplete(run, ["P4"]);
        AssertSane(run.Rows);
    }

    private static void AssertComplete(BenchmarkRunResult run, IEnumerable<string> pairs)
    {
        Assert.Contains("| # | measurement | ours | peer | ratio | target | met |", run.Output, StringComparison.Ordinal);
        foreach (var pair in pairs)
        {
            var rows = run.Rows.Where(r => r.Id == pair).ToList();
            Assert.True(rows.Count > 0, $"{pair} has no row");
            foreach (var peer in PeersByPair[pair])
            {
                Assert.True(rows.Any(r => r.PeerName.Contains(peer, StringComparison.Ordinal)), $"{pair} has no row against {peer}");
            }

            // Every row is printed in the markdown table too.
            Assert.Equal(rows.Count, run.Output.Split('\n').Count(l => l.StartsWith($"| {pair} |", StringComparison.Ordinal)));
        }
    }

    private static void AssertSane(IReadOnlyList<TableRow> rows)
    {
        foreach (var row in rows)
        {
            var label = $"{row.Id} {row.What} ({row.PeerName}): ours {row.Ours}, peer {row.Peer}";
            Assert.True(double.IsFinite(row.Ours) && double.IsFinite(row.Peer), label);
            if (row.Unit is "B/op" or "reads" or "ms" || row.What.Contains("GC pauses", StringComparison.Ordinal))
            {
                // An allocation-free path measures 0, and so does a phase in which no collection happened; so do P9's
                // stale-read counts and staleness where nothing was stale.
                Assert.True(row.Ours >= 0 && row.Peer >= 0, label);
            }
            else
            {
                Assert.True(row.Ours > 0 && row.Peer > 0, label);
            }

            if (row.Unit == "µs")
            {
                // Nothing on loopback takes a minute; a figure that large means a stuck measurement.
                Assert.True(row.Ours < 60_000_000 && row.Peer < 60_000_000, label);
            }

            if (row.Target != "—")
            {
                Assert.NotNull(row.Met);
            }
        }
    }
}
