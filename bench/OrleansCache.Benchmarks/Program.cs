using System.Runtime.InteropServices;
using OrleansCache.Benchmarks;
using OrleansCache.Benchmarks.Infrastructure;

// dotnet run -c Release --project bench/OrleansCache.Benchmarks -- [--quick | --tiny] [--processes] [--silos 3] [--only P2,P4] [--repeats 5] [--sizes 10000,100000] [--bdn short|none] [--json FILE]
// Starts its own redis-server and silos on loopback, runs every pair with its peers, and prints one table (docs/benchmarks.md).
BenchmarkSettings settings;
try
{
    settings = BenchmarkSettings.FromArgs(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"Cannot run: {ex.Message}");
    return 2;
}

Console.WriteLine($"OrleansCache benchmarks ({settings.Name} run, {settings.SilosInWords}, {settings.Repeats} repeat(s)) on {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
Console.WriteLine($"load average at start: {MachineLoad.Describe()}");
var started = DateTime.UtcNow;
var run = new BenchmarkRun(settings, Console.Error);
var table = await run.RunAsync();
Console.WriteLine($"load average at end: {MachineLoad.Describe()}; wall time {(DateTime.UtcNow - started).TotalSeconds:0} s");
Console.WriteLine();
Console.WriteLine(table.ToMarkdown());
if (settings.JsonPath is { } json)
{
    await File.WriteAllTextAsync(json, table.ToJson());
}

foreach (var failure in run.Failures)
{
    Console.WriteLine($"Failed, its rows are missing: {failure}");
}

return run.Failures.Count == 0 ? 0 : 1;
