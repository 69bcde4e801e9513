using System.Diagnostics;
using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.Fusion;
using OrleansCache.TestSupport.Logging;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>
/// The runner's <c>--target fusioncache</c> in the suite: the same workload and checker through FusionCache instances,
/// every applicable fault once. It asserts that the run and the checker work (faults injected, operations and reads
/// attributed to each), not FusionCache's figures: its stale reads are the finding (docs/reliability.md).
/// </summary>
public sealed class FusionCacheRunTests
{
    [Fact]
    public async Task ShortFusionCacheRun_EveryApplicableFaultOnce_ReportsFiguresPerFaultKind()
    {
        using var logs = new CapturedLogs();
        using var loggers = logs.CreateFactory();
        var took = Stopwatch.StartNew();

        var report = await new FusionCacheRun(new FaultRunOptions { Seed = 7, Target = RunTarget.FusionCache }, loggers.CreateLogger("fusion-run")).RunAsync(TestContext.Current.CancellationToken);

        var output = TestContext.Current.TestOutputHelper;
        foreach (var entry in logs.Entries)
        {
            output?.WriteLine(entry);
        }

        var markdown = report.ToMarkdown();
        output?.WriteLine(markdown);
        output?.WriteLine($"The FusionCache run took {took.Elapsed.TotalSeconds:0} s.");
        Assert.Contains(report.Notes, n => n == "target: " + FusionCacheRun.Target);
        Assert.DoesNotContain(report.Notes, n => n.StartsWith("skipped: ", StringComparison.Ordinal));
        // The run ended by its schedule, not by a recovery that never came or a final read-back that failed.
        Assert.DoesNotContain(report.Violations, v => v.Contains("did not all serve", StringComparison.Ordinal) || v.Contains("final read-back", StringComparison.Ordinal));
        Assert.Equal(["none", .. FaultSchedule.FusionCacheRound.Select(k => k.ToString()).Order(StringComparer.Ordinal)], report.Kinds.Select(k => k.Kind));
        foreach (var kind in report.Kinds)
        {
            Assert.True(kind.Kind == "none" ? kind.Injected == 0 : kind.Injected == 1, $"{kind.Kind} injected {kind.Injected} times:\n{markdown}");
            Assert.True(kind.Operations > 0, $"no operations attributed to {kind.Kind}:\n{markdown}");
            // A Redis restart's window (restart plus the 1 s bound) is short, and most workers spend it waiting for their
            // reconnection, so it may hold no read that found a value; every other row has many.
            Assert.True(kind.Reads > 0 || kind.Kind == nameof(FaultKind.RedisRestart), $"no judged reads attributed to {kind.Kind}:\n{markdown}");
            Assert.InRange(kind.StaleReads, 0, kind.Reads);
            Assert.Equal(TimeSpan.FromSeconds(1), kind.Bound);
        }

        // Every violation counted is listed (capped examples), and the table is the report's format.
        Assert.True(report.ViolationCount >= report.Violations.Count(v => !v.StartsWith("... and ", StringComparison.Ordinal)));
        Assert.StartsWith("| fault | injected | staleness bound |", markdown, StringComparison.Ordinal);
    }
}
