using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.History;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>The checker's Redis bridge rules on made-up probe cycles: lost, stale and applied-twice messages, and what faults excuse.</summary>
public sealed class BridgeCheckTests
{
    private static readonly CacheVersion Written = new(0, 5, 1);
    private static readonly CacheVersion Removed = new(0, 5, 2);
    private static readonly CacheVersion Rewritten = new(0, 5, 3);
    private static readonly CacheVersion RemovedAgain = new(0, 5, 4);

    [Fact]
    public void StreamMessageApplied_ThenKeyRewritten_Passes()
    {
        var history = Cycle("brs:1", BridgePath.Stream);

        var report = Check(history);

        Assert.True(report.Passed, report.ToMarkdown());
        var none = report.Kinds.Single(k => k.Kind == "none");
        Assert.Equal((1, 0, 0), (none.BridgeMessages, none.BridgeLost, none.BridgeTwice));
    }

    [Fact]
    public void StreamMessageNeverApplied_OldValueReadPastTheBound_IsLost()
    {
        var history = new RunHistory();
        Add(history, Write(0, "brs:1", Written, 0.0, 0.1));
        history.BridgeMessages.Enqueue(new BridgeMessage(BridgePath.Stream, "brs:1", T(0.2), T(0.21), true, null));
        Add(history, Read(1, "brs:1", true, Written, 0.5, 0.6));
        // 1.99 s late: within the 1 s bound and the bridge's extra hops (1 s).
        Add(history, Read(1, "brs:1", true, Written, 2.2, 2.3));
        Add(history, Read(1, "brs:1", true, Written, 3.5, 3.6));

        var report = Check(history);

        Assert.Contains(report.Violations, v => v.StartsWith("the Stream invalidation of brs:1 acknowledged by Redis at t=0.210s was not applied: client 1 read version 0.5.1 (written before it) at t=3.500s", StringComparison.Ordinal) && v.EndsWith("not seen applied within the probe's wait)", StringComparison.Ordinal));
        Assert.Equal(1, report.Kinds.Single(k => k.Kind == "none").BridgeLost);
    }

    [Fact]
    public void StreamMessage_UnderAKill_GetsTheTakeOverDelay_ButIsLostPastIt()
    {
        var history = new RunHistory();
        history.Faults.Enqueue(new FaultWindow(FaultKind.OwnerKill, "test", T(0.3), T(5), FaultBounds.Of(FaultKind.OwnerKill)));
        Add(history, Write(0, "brs:1", Written, 0.0, 0.1));
        history.BridgeMessages.Enqueue(new BridgeMessage(BridgePath.Stream, "brs:1", T(0.2), T(0.21), true, null));
        // 16 s late: within the kill's 6 s, the bridge's extra hops (1 s) and the take-over (claim after 10 s, and a look).
        Add(history, Read(1, "brs:1", true, Written, 16.2, 16.3));

        Assert.True(Check(history).Passed);

        Add(history, Read(1, "brs:1", true, Written, 40.0, 40.1));
        Assert.Contains(Check(history).Violations, v => v.StartsWith("the Stream invalidation of brs:1", StringComparison.Ordinal));
    }

    [Fact]
    public void PubSubMessage_SoonAfterARedisRestart_IsNotJudged_AwayFromFaultsItIs()
    {
        var history = new RunHistory();
        Add(history, Write(0, "brc:1", Written, 0.0, 0.1));
        history.BridgeMessages.Enqueue(new BridgeMessage(BridgePath.Canonical, "brc:1", T(0.2), T(0.21), true, null));
        Add(history, Read(1, "brc:1", true, Written, 5.0, 5.1));

        Assert.Contains(Check(history).Violations, v => v.StartsWith("the Canonical invalidation of brc:1", StringComparison.Ordinal));

        // Its window (healed plus 1 s) ended 8 s before the message: the silos may still be subscribing again.
        history.Faults.Enqueue(new FaultWindow(FaultKind.RedisRestart, "test", T(-9.5), T(-9), FaultBounds.Of(FaultKind.RedisRestart)));
        Assert.True(Check(history).Passed);
    }

    [Fact]
    public void MessageAppliedAgainAfterTheRewrite_AwayFromFaults_IsAViolation()
    {
        var history = Cycle("brs:1", BridgePath.Stream);
        Add(history, Read(2, "brs:1", false, RemovedAgain, 1.5, 1.6));

        var report = Check(history);

        Assert.Contains(report.Violations, v => v.StartsWith("the Stream invalidation of brs:1", StringComparison.Ordinal) && v.Contains("was applied again", StringComparison.Ordinal));
        Assert.Equal(1, report.Kinds.Single(k => k.Kind == "none").BridgeTwice);
    }

    [Fact]
    public void PubSubMessageAppliedAgain_WithinTheViewChangeGraceOfAKill_IsMeasuredOnly()
    {
        var history = Cycle("brt:1", BridgePath.Typed);
        Add(history, Read(2, "brt:1", false, RemovedAgain, 1.5, 1.6));
        // The kill's window ended 20 s before the message: within the 30 s in which two silos may both apply it.
        history.Faults.Enqueue(new FaultWindow(FaultKind.OwnerKill, "test", T(-30), T(-26), FaultBounds.Of(FaultKind.OwnerKill)));

        var report = Check(history);

        Assert.True(report.Passed, report.ToMarkdown());
        Assert.Equal(1, report.Kinds.Single(k => k.Kind == "none").BridgeTwice);
    }

    [Fact]
    public void PubSubMessageAppliedAgain_WithinTheViewChangeGraceOfTheClustersStart_IsMeasuredOnly()
    {
        var history = Cycle("brc:1", BridgePath.Canonical);
        Add(history, Read(2, "brc:1", false, RemovedAgain, 1.5, 1.6));

        Assert.Contains(Check(history).Violations, v => v.Contains("was applied again", StringComparison.Ordinal));

        history.MembershipChanges.Enqueue(T(-10));
        Assert.True(Check(history).Passed);
    }

    /// <summary>A probe cycle: written, read, invalidated through the bridge, seen removed by all, rewritten, read.</summary>
    private static RunHistory Cycle(string key, BridgePath path)
    {
        var history = new RunHistory();
        Add(history, Write(0, key, Written, 0.0, 0.1));
        Add(history, Read(1, key, true, Written, 0.12, 0.13));
        history.BridgeMessages.Enqueue(new BridgeMessage(path, key, T(0.2), T(0.21), true, T(0.5)));
        Add(history, Read(1, key, false, Removed, 0.4, 0.45));
        Add(history, Write(0, key, Rewritten, 0.6, 0.7));
        Add(history, Read(1, key, true, Rewritten, 0.8, 0.9));
        return history;
    }

    private static FaultReport Check(RunHistory history) =>
        new HistoryChecker(history, new Dictionary<string, FinalState>(StringComparer.Ordinal), FaultBounds.NoFault, TimeSpan.FromSeconds(60)).Check();

    private static void Add(RunHistory history, OperationRecord record) => history.Operations.Enqueue(record);

    private static OperationRecord Write(int client, string key, CacheVersion version, double start, double end) =>
        new(client, OperationKind.Write, key, T(start), T(end), true, false, $"{key}@{version}", version);

    private static OperationRecord Read(int client, string key, bool found, CacheVersion version, double start, double end) =>
        new(client, OperationKind.Read, key, T(start), T(end), true, found, found ? $"{key}@{version}" : null, version);

    private static TimeSpan T(double seconds) => TimeSpan.FromSeconds(seconds);
}
