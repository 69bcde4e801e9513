using System.Diagnostics;
using OrleansCache.FaultInjection.Faults;
using OrleansCache.TestSupport.Logging;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>
/// The runner's short run in the suite: every fault kind twice against real silo processes, the zombie (a paused silo),
/// partitions, isolation and Redis losing its data among them (the silos' faults in two lanes on disjoint silos sharing
/// one schedule, Redis's and a client's own connection faults in lanes beside them: ADR 0090, 0091 and 0092), with
/// get-or-create bursts and Redis bridge messages beside the workload, 0 violations.
/// </summary>
public sealed class ShortRunTests
{
    [Fact]
    public async Task ShortRun_EveryFaultKindTwice_AgainstSiloProcesses_HasNoViolations()
    {
        using var logs = new CapturedLogs();
        using var loggers = logs.CreateFactory();
        var took = Stopwatch.StartNew();

        var report = await new FaultRun(new FaultRunOptions { Seed = 7, Rounds = 2, Silos = FaultInjector.MinimumSilosForDoubleKill, SiloLanes = 2 }, loggers.CreateLogger("fault-run")).RunAsync(TestContext.Current.CancellationToken);

        var output = TestContext.Current.TestOutputHelper;
        foreach (var entry in logs.Entries)
        {
            output?.WriteLine(entry);
        }

        output?.WriteLine(report.ToMarkdown());
        output?.WriteLine($"The short run took {took.Elapsed.TotalSeconds:0} s.");

        // In the suite's log too (issue 14 asks for at most 3 minutes), beside whatever else the machine ran.
        TestContext.Current.SendDiagnosticMessage($"the short run took {took.Elapsed.TotalSeconds:0} s ({report.Kinds.Sum(k => k.Injected)} faults)");
        Assert.True(report.Passed, report.ToMarkdown());
        foreach (var kind in FaultSchedule.FullRound)
        {
            // A kind the machine cannot make (partitions without namespaces) is skipped with its reason, never silently.
            Assert.True(
                report.Kinds.Any(k => k.Kind == kind.ToString() && k.Injected == 2) || report.Notes.Any(n => n.StartsWith($"skipped: {kind}: ", StringComparison.Ordinal)),
                $"{kind} was neither injected nor skipped with a reason:\n{report.ToMarkdown()}");
        }

        // Faults happened while clients worked: most operations succeeded, under faults too.
        Assert.All(report.Kinds.Where(k => k.Injected > 0 || k.Kind == "none"), k => Assert.True(k.Reads > 0, $"no reads attributed to {k.Kind}"));

        // Get-or-create bursts and bridge messages ran beside them, away from faults too (where they are judged).
        var none = report.Kinds.Single(k => k.Kind == "none");
        Assert.True(none.Bursts > 0 && none.BridgeMessages > 0, report.ToMarkdown());
        Assert.True(report.Kinds.Where(k => k.Injected > 0).Sum(k => k.Bursts) > 0, report.ToMarkdown());
    }
}
