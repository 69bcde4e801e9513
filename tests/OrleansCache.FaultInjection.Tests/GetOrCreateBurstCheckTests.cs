using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.History;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>The checker's get-or-create rules (G6) on made-up bursts: single flight and one value away from faults, measured under faults.</summary>
public sealed class GetOrCreateBurstCheckTests
{
    private const string Made = "goc:1 made by client 0, run 1";

    [Fact]
    public void BurstWithOneFactoryRun_AndOneValue_Passes()
    {
        var history = new RunHistory();
        history.FactoryRuns.Enqueue(new FactoryRun("goc:1", 0, T(0.1), Made));
        history.Bursts.Enqueue(new GetOrCreateBurst("goc:1", T(0.1), T(0.3), 3, [Made, Made, Made]));

        var report = Check(history);

        Assert.True(report.Passed, report.ToMarkdown());
        var none = report.Kinds.Single(k => k.Kind == "none");
        Assert.Equal((1, 1), (none.Bursts, none.FactoryRuns));
        Assert.Contains("| 1 | 1.00 |", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void BurstThatRanTheFactoryTwice_AwayFromFaults_IsASingleFlightViolation()
    {
        var history = new RunHistory();
        history.FactoryRuns.Enqueue(new FactoryRun("goc:1", 0, T(0.1), Made));
        history.FactoryRuns.Enqueue(new FactoryRun("goc:1", 2, T(0.2), "goc:1 made by client 2, run 2"));
        history.Bursts.Enqueue(new GetOrCreateBurst("goc:1", T(0.1), T(0.3), 3, [Made, Made, Made]));

        var report = Check(history);

        Assert.Contains(report.Violations, v => v.StartsWith("the get-or-create burst on goc:1", StringComparison.Ordinal) && v.Contains("ran the factory 2 times: client 0 at t=0.100s, client 2 at t=0.200s", StringComparison.Ordinal));
    }

    [Fact]
    public void BurstThatRanTheFactoryTwice_DuringAnOwnerKill_IsMeasuredOnly()
    {
        var history = new RunHistory();
        history.Faults.Enqueue(new FaultWindow(FaultKind.OwnerKill, "test", T(0.15), T(2), FaultBounds.Of(FaultKind.OwnerKill)));
        history.FactoryRuns.Enqueue(new FactoryRun("goc:1", 0, T(0.1), Made));
        history.FactoryRuns.Enqueue(new FactoryRun("goc:1", 2, T(0.2), "goc:1 made by client 2, run 2"));
        history.Bursts.Enqueue(new GetOrCreateBurst("goc:1", T(0.1), T(0.3), 3, [Made, "goc:1 made by client 2, run 2"]));

        var report = Check(history);

        Assert.True(report.Passed, report.ToMarkdown());
        var kill = report.Kinds.Single(k => k.Kind == nameof(FaultKind.OwnerKill));
        Assert.Equal((1, 2), (kill.Bursts, kill.FactoryRuns));
        Assert.Contains("| 1 | 2.00 |", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void BurstWhoseCallsGotDifferentValues_AwayFromFaults_IsAViolation()
    {
        var history = new RunHistory();
        history.FactoryRuns.Enqueue(new FactoryRun("goc:1", 0, T(0.1), Made));
        history.Bursts.Enqueue(new GetOrCreateBurst("goc:1", T(0.1), T(0.3), 3, [Made, "something else", Made]));

        var report = Check(history);

        Assert.Contains(report.Violations, v => v.Contains("returned 2 different values", StringComparison.Ordinal));
    }

    [Fact]
    public void BurstValueNoFactoryRunMade_AwayFromFaults_IsAViolation()
    {
        var history = new RunHistory();
        history.FactoryRuns.Enqueue(new FactoryRun("goc:1", 0, T(0.1), Made));
        history.Bursts.Enqueue(new GetOrCreateBurst("goc:1", T(0.1), T(0.3), 2, ["goc:1 made by client 9, run 7", "goc:1 made by client 9, run 7"]));

        var report = Check(history);

        Assert.Contains(report.Violations, v => v.Contains("which none of its factory runs made", StringComparison.Ordinal));
    }

    private static FaultReport Check(RunHistory history) =>
        new HistoryChecker(history, new Dictionary<string, FinalState>(StringComparer.Ordinal), FaultBounds.NoFault, TimeSpan.FromSeconds(10)).Check();

    private static TimeSpan T(double seconds) => TimeSpan.FromSeconds(seconds);
}
