using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P1 with BenchmarkDotNet: runs <c>bench/OrleansCache.HitBenchmarks</c> as a process of its own (before this run starts
/// Redis and silos, so nothing of ours runs beside it) on the run's key counts, and adds its P1 rows, marked
/// "BenchmarkDotNet", to the table beside the Stopwatch loop's.
/// </summary>
internal sealed class BenchmarkDotNetHits(BenchmarkSettings settings, TextWriter log)
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Longer than BenchmarkDotNet's default job takes on a loaded 2-core machine.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(45);

    public async Task RunAsync(ResultTable table, CancellationToken cancellationToken)
    {
        var job = settings.HitBenchmarkJob!;
        log.WriteLine($"P1 with BenchmarkDotNet (job {job}); load {MachineLoad.OneMinute():0.0}");
        var artifacts = Directory.CreateTempSubdirectory("orleanscache-hit-benchmarks-");
        var json = Path.Combine(artifacts.FullName, "p1.json");
        var started = Stopwatch.GetTimestamp();
        var run = await BuiltProgram.RunAsync(
            "bench/OrleansCache.HitBenchmarks",
            "OrleansCache.HitBenchmarks",
            ["--job", job, "--keys", string.Join(',', settings.KeyCounts.Select(k => k.ToString(CultureInfo.InvariantCulture))), "--json", json, "--artifacts", artifacts.FullName],
            Timeout,
            cancellationToken);

        // BenchmarkDotNet's full log, kept beside its own reports when the run fails.
        await File.WriteAllTextAsync(Path.Combine(artifacts.FullName, "output.log"), run.Output, cancellationToken);
        if (run.ExitCode != 0 || !File.Exists(json))
        {
            throw new InvalidOperationException($"The BenchmarkDotNet hit run failed (exit code {run.ExitCode}; its output is in {artifacts.FullName}):\n{run.Errors}");
        }

        var rows = JsonSerializer.Deserialize<List<ResultRow>>(await File.ReadAllTextAsync(json, cancellationToken), Json) ?? [];
        foreach (var row in rows)
        {
            table.AddAbsolute(row.Id, row.What, row.Ours, row.Peer, row.Unit, row.PeerName, row.Target, row.Met ?? false);
        }

        // BenchmarkDotNet's own summary table to the log; its files are not kept (the rows are in the table).
        foreach (var report in Directory.EnumerateFiles(artifacts.FullName, "*-report-github.md", SearchOption.AllDirectories))
        {
            log.WriteLine(await File.ReadAllTextAsync(report, cancellationToken));
        }

        log.WriteLine($"  {rows.Count} rows in {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s; load {MachineLoad.OneMinute():0.0}");
        artifacts.Delete(recursive: true);
    }
}
