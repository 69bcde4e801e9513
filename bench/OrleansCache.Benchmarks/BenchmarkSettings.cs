namespace OrleansCache.Benchmarks;

/// <summary>How long each measurement runs: the full run, <c>--quick</c> (under 3 minutes), or <c>--tiny</c> (the CI smoke test).</summary>
internal sealed record BenchmarkSettings(string Name, int Warmup, int Samples, TimeSpan ThroughputDuration, int HitIterations, int[] KeyCounts, int BurstCalls)
{
    public static readonly BenchmarkSettings Full = new("full", 2_000, 20_000, TimeSpan.FromSeconds(5), 10_000_000, [1_000, 100_000], 1_000);

    public static readonly BenchmarkSettings Quick = new("quick", 500, 3_000, TimeSpan.FromSeconds(2), 2_000_000, [1_000, 100_000], 1_000);

    public static readonly BenchmarkSettings Tiny = new("tiny", 20, 50, TimeSpan.FromMilliseconds(200), 10_000, [100], 100);

    public static BenchmarkSettings FromArgs(string[] args) =>
        args.Contains("--tiny") ? Tiny : args.Contains("--quick") ? Quick : Full;
}
