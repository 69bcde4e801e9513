using System.Text.Json;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.Bench.Tests;

/// <summary>One run of the built benchmark program: its exit code, what it printed, and its table read back from JSON.</summary>
internal sealed record BenchmarkRunResult(int ExitCode, string Output, string Errors, IReadOnlyList<TableRow> Rows)
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Runs <c>OrleansCache.Benchmarks</c> with <paramref name="args"/> and <c>--json</c>, killing it (by its id) after <paramref name="timeout"/>.</summary>
    public static Task<BenchmarkRunResult> RunAsync(TimeSpan timeout, CancellationToken cancellationToken, params string[] args) =>
        RunProgramAsync("bench/OrleansCache.Benchmarks", "OrleansCache.Benchmarks", timeout, cancellationToken, args);

    /// <summary>Runs the built benchmark program <paramref name="assemblyName"/> of <paramref name="project"/> the same way.</summary>
    public static async Task<BenchmarkRunResult> RunProgramAsync(string project, string assemblyName, TimeSpan timeout, CancellationToken cancellationToken, params string[] args)
    {
        var json = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.json");
        var run = await BuiltProgram.RunAsync(project, assemblyName, args.Concat(["--json", json]), timeout, cancellationToken);
        var rows = File.Exists(json) ? JsonSerializer.Deserialize<List<TableRow>>(await File.ReadAllTextAsync(json, cancellationToken), Json) ?? [] : [];
        File.Delete(json);
        return new BenchmarkRunResult(run.ExitCode, run.Output, run.Errors, rows);
    }
}
