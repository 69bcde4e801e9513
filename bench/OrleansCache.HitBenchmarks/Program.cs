using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.HitBenchmarks;

// dotnet run -c Release --project bench/OrleansCache.HitBenchmarks -- [--job dry|short|medium|default] [--keys 1000,100000] [--json FILE] [--artifacts DIR]
// P1 (the near-cache hit) with BenchmarkDotNet, in this process, then the same rows as the harness's P1 (docs/benchmarks.md).
var options = HitRunOptions.FromArgs(args);
NearCacheHitBenchmarks.KeyCounts = options.KeyCounts;
Console.WriteLine($"OrleansCache near-cache hit benchmarks (BenchmarkDotNet, job {options.JobName}) on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine($"load average at start: {MachineLoad.Describe()}");
var started = DateTime.UtcNow;
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(options.Job())
    .WithArtifactsPath(options.ArtifactsPath);
var summary = BenchmarkRunner.Run<NearCacheHitBenchmarks>(config);
var table = HitResults.ToTable(summary);
Console.WriteLine($"load average at end: {MachineLoad.Describe()}; wall time {(DateTime.UtcNow - started).TotalSeconds:0} s; BenchmarkDotNet's files in {options.ArtifactsPath}");
Console.WriteLine();
Console.WriteLine(table.ToMarkdown());
if (options.JsonPath is { } json)
{
    await File.WriteAllTextAsync(json, table.ToJson());
}

// A benchmark that failed (a miss, an exception) leaves its case without statistics: the run has failed.
return summary.HasCriticalValidationErrors || summary.Reports.Any(r => r.ResultStatistics is null) || summary.Reports.Length == 0 ? 1 : 0;
