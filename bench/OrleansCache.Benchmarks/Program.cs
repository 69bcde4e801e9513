using System.Runtime.InteropServices;
using OrleansCache.Benchmarks;

// dotnet run -c Release --project bench/OrleansCache.Benchmarks -- [--quick | --tiny]
// Starts its own redis-server and three in-process silos on loopback, and prints one table (docs/benchmarks.md).
var settings = BenchmarkSettings.FromArgs(args);
Console.WriteLine($"OrleansCache benchmarks ({settings.Name} run) on {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
var table = await new BenchmarkRun(settings, Console.Out).RunAsync();
Console.WriteLine();
Console.WriteLine(table.ToMarkdown());
return 0;
