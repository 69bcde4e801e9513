using Xunit;

namespace OrleansCache.Bench.Tests;

/// <summary>
/// P1 with BenchmarkDotNet (bench/OrleansCache.HitBenchmarks) runs its dry job at 1,000 keys and prints the harness's P1
/// rows: the near-cache hit against each peer at 1 and 2 threads, and bytes per hit, every figure measured. Targets are
/// not checked (one cold invocation on a busy machine says nothing about them).
/// </summary>
public sealed class HitBenchmarkSmokeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task DryRun_MeasuresTheNearCacheHitAgainstEveryPeer_OnOneAndTwoThreads()
    {
        var artifacts = Directory.CreateTempSubdirectory("oc-hit-bench-");
        try
        {
            var run = await BenchmarkRunResult.RunProgramAsync("bench/OrleansCache.HitBenchmarks", "OrleansCache.HitBenchmarks", Timeout, TestContext.Current.CancellationToken, "--job", "dry", "--keys", "1000", "--artifacts", artifacts.FullName);
            TestContext.Current.TestOutputHelper?.WriteLine(run.Output);

            Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}\n{run.Errors}");
            Assert.Contains("| # | measurement | ours | peer | ratio | target | met |", run.Output, StringComparison.Ordinal);
            Assert.All(run.Rows, r => Assert.Equal("P1", r.Id));
            foreach (var threads in new[] { "1 thread", "2 threads" })
            {
                foreach (var (peer, target) in new[] { ("ConcurrentDictionary", "≤ 1.5×"), ("FusionCache L1 hit", "≤ 1×"), ("HybridCache L1 hit", "≤ 1×") })
                {
                    var row = Assert.Single(run.Rows, r => r.What == $"near-cache hit, 1,000 keys, {threads}, BenchmarkDotNet" && r.PeerName == peer);
                    Assert.Equal("ns/op", row.Unit);
                    Assert.Equal(target, row.Target);
                    Assert.NotNull(row.Met);
                    // A lookup in memory takes nanoseconds to microseconds; 0 or a millisecond means a broken measurement.
                    Assert.InRange(row.Ours, 0.1, 1_000_000);
                    Assert.InRange(row.Peer, 0.1, 1_000_000);
                }
            }

            var bytes = run.Rows.Where(r => r.What == "near-cache hit, 1,000 keys, bytes allocated per hit, BenchmarkDotNet").ToList();
            Assert.Equal(["ConcurrentDictionary", "FusionCache L1 hit", "HybridCache L1 hit"], bytes.Select(r => r.PeerName).Order(StringComparer.Ordinal));
            Assert.All(bytes, r => Assert.True(r.Unit == "B/op" && r.Ours >= 0 && r.Peer >= 0 && r.Target == "0 B/op" && r.Met is not null, r.ToString()));
            Assert.Equal(9, run.Rows.Count);

            // BenchmarkDotNet's own report went where it was told.
            Assert.NotEmpty(Directory.EnumerateFiles(artifacts.FullName, "*-report-github.md", SearchOption.AllDirectories));
        }
        finally
        {
            artifacts.Delete(recursive: true);
        }
    }
}
