using System.Globalization;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace OrleansCache.HitBenchmarks;

/// <summary>
/// How long the run takes (<c>--job dry | short | medium | default</c>, BenchmarkDotNet's jobs of those names), the key
/// counts (<c>--keys 1000,100000</c>), and where results go (<c>--json FILE</c>, <c>--artifacts DIR</c>).
/// </summary>
internal sealed record HitRunOptions(string JobName, IReadOnlyList<int> KeyCounts, string? JsonPath, string ArtifactsPath)
{
    public static HitRunOptions FromArgs(string[] args)
    {
        var job = ValueOf(args, "--job") ?? "default";
        IReadOnlyList<int> keys = ValueOf(args, "--keys") is { } k ? [.. k.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [1_000, 100_000];
        var artifacts = ValueOf(args, "--artifacts") ?? Path.Combine(Path.GetTempPath(), $"orleanscache-hit-benchmarks-{Environment.ProcessId}");
        return new HitRunOptions(job, keys, ValueOf(args, "--json"), artifacts);
    }

    /// <summary>
    /// The chosen job, run in this process: BenchmarkDotNet's default toolchain would generate and build a project that
    /// references this one, where Orleans' code generator runs too (docs/adr/0087).
    /// </summary>
    public Job Job()
    {
        var job = JobName.ToUpperInvariant() switch
        {
            "DRY" => BenchmarkDotNet.Jobs.Job.Dry,
            "SHORT" => BenchmarkDotNet.Jobs.Job.ShortRun,
            "MEDIUM" => BenchmarkDotNet.Jobs.Job.MediumRun,
            "DEFAULT" => BenchmarkDotNet.Jobs.Job.Default,
            _ => throw new ArgumentException($"Unknown job '{JobName}': use dry, short, medium or default."),
        };
        return job.WithToolchain(InProcessEmitToolchain.Instance).WithId(JobName);
    }

    private static string? ValueOf(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
