using System.Diagnostics;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Cache.Tests.Process;

/// <summary>The benchmarks are not tests; this only checks that they start, run every pair, and exit 0.</summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task Benchmarks_OnATinyWorkload_PrintTheTable_AndExitZero()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BuiltAssemblies.PathOf("bench/OrleansCache.Benchmarks", "OrleansCache.Benchmarks"));
        start.ArgumentList.Add("--tiny");
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, $"The benchmarks exited with {process.ExitCode}: {await errors}");
        var table = await output;
        foreach (var id in new[] { "| P1 |", "| P2 |", "| P3 |", "| P4 |", "| P5 |", "| P6 |", "| P7 |", "| P8 |" })
        {
            Assert.Contains(id, table, StringComparison.Ordinal);
        }

        Assert.Contains("1 factory run", table, StringComparison.Ordinal);
    }
}
