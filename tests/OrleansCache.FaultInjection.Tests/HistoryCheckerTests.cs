using OrleansCache.FaultInjection.History;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>The checker finds each kind of violation in a small made-up history, and nothing in a clean one.</summary>
public sealed class HistoryCheckerTests
{
    private const string Key = "grp0:0";

    private readonly RunHistory _history = new();
    private readonly Dictionary<string, FinalState> _finals = new(StringComparer.Ordinal);

    [Fact]
    public void Check_ReadsOfTheLatestValue_AndTheValueKept_HaveNoViolation()
    {
        Write(0, 0, 10, 1, "a");
        Read(1, 20, 30, 1, "a");
        Write(1, 40, 50, 2, "b");
        Read(0, 60, 70, 2, "b");
        _finals[Key] = new FinalState(true, "b", V(2));

        var report = Check();

        Assert.Empty(report.Violations);
        var none = Assert.Single(report.Kinds);
        Assert.Equal((2, 0, 4), (none.Reads, none.StaleReads, none.Operations));
    }

    [Fact]
    public void Check_ReadOlderThanAChangeAcknowledgedBeyondTheBound_IsAViolation_WithItsStaleness()
    {
        Write(0, 0, 10, 1, "a");
        Write(0, 100, 110, 2, "b");
        Read(1, 500, 510, 1, "a");
        Read(1, 1500, 1510, 1, "a");
        _finals[Key] = new FinalState(true, "b", V(2));

        var report = Check();

        var violation = Assert.Single(report.Violations);
        Assert.Contains("1390 ms older", violation, StringComparison.Ordinal);
        var none = Assert.Single(report.Kinds);
        Assert.Equal((2, 1, TimeSpan.FromMilliseconds(1390)), (none.StaleReads, none.OverBound, none.MaxStaleness));
    }

    [Fact]
    public void Check_StaleReadInsideAFaultWindow_IsMeasuredAgainstThatFaultsBound()
    {
        Write(0, 0, 10, 1, "a");
        Write(0, 100, 110, 2, "b");
        Read(1, 1500, 1510, 1, "a");
        _finals[Key] = new FinalState(true, "b", V(2));
        _history.Faults.Enqueue(new FaultWindow(FaultKind.SiloKill, "slot 1", Ms(50), Ms(200), TimeSpan.FromSeconds(4.5)));

        var report = Check();

        Assert.Empty(report.Violations);
        var kill = report.Kinds.Single(k => k.Kind == nameof(FaultKind.SiloKill));
        Assert.Equal((1, 1, TimeSpan.FromMilliseconds(1390)), (kill.Injected, kill.StaleReads, kill.MaxStaleness));
    }

    [Fact]
    public void Check_ReadOlderThanWhatTheSameClientReadBefore_IsBackwards()
    {
        Write(0, 0, 10, 1, "a");
        Write(0, 20, 30, 2, "b");
        Read(1, 40, 50, 2, "b");
        Read(1, 60, 70, 1, "a");
        _finals[Key] = new FinalState(true, "b", V(2));

        var report = Check();

        Assert.Contains(report.Violations, v => v.Contains("after its Read of version 1.1.2", StringComparison.Ordinal));
        Assert.Equal(1, report.Kinds.Single().Backwards);
    }

    [Fact]
    public void Check_BackwardsReadWhileOwnershipMoves_IsAViolation()
    {
        // Reads are fenced (docs/adr/0038): a silo fault around a backwards read no longer excuses it.
        Write(0, 0, 10, 1, "a");
        Write(0, 20, 30, 2, "b");
        Read(1, 40, 50, 2, "b");
        Read(1, 60, 70, 1, "a");
        _finals[Key] = new FinalState(true, "b", V(2));
        _history.Faults.Enqueue(new FaultWindow(FaultKind.SiloRestart, "slot 1", Ms(0), Ms(100), TimeSpan.FromSeconds(1.5)));

        var report = Check();

        Assert.Contains(report.Violations, v => v.Contains("version 1.1.1 after its Read of version 1.1.2", StringComparison.Ordinal));
        Assert.Empty(report.KnownIssues);
        Assert.Equal(1, report.Kinds.Single(k => k.Kind == nameof(FaultKind.SiloRestart)).Backwards);
    }

    [Fact]
    public void Check_LastAcknowledgedWriteMissingAfterwards_IsLost_UnlessALaterFailedWriteExplainsIt()
    {
        Write(0, 0, 10, 1, "a");
        Write(1, 20, 30, 2, "b");
        _finals[Key] = new FinalState(false, null, new CacheVersion(2, 1, 0));

        Assert.Contains(Check().Violations, v => v.Contains("'b' at version 1.1.2", StringComparison.Ordinal));

        _history.Operations.Enqueue(new OperationRecord(0, OperationKind.Write, Key, Ms(25), Ms(40), false, false, "c", null));
        _finals[Key] = new FinalState(true, "c", V(3));
        Assert.Empty(Check().Violations);
    }

    [Fact]
    public void Check_ValueSeenBeforeAPatternInvalidation_ReadLongAfterIt_IsStale()
    {
        Write(0, 0, 10, 1, "a");
        _history.Operations.Enqueue(new OperationRecord(1, OperationKind.Pattern, "grp0:*", Ms(40), Ms(50), true, false, null, null));
        Read(1, 2000, 2010, 1, "a");
        _finals[Key] = new FinalState(false, null, V(2));

        var report = Check();

        Assert.Contains(report.Violations, v => v.Contains("1950 ms older", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_RepeatedFactoryRun_IsAViolationOnlyWithNoFaultAround()
    {
        _history.Bursts.Enqueue(new BurstRecord("burst:1", Ms(0), Ms(100), 12, 12, 2));
        _history.Bursts.Enqueue(new BurstRecord("burst:2", Ms(5000), Ms(5100), 12, 12, 2));
        _history.Faults.Enqueue(new FaultWindow(FaultKind.SiloKill, "slot 1", Ms(4900), Ms(5000), TimeSpan.FromSeconds(1)));

        var report = Check();

        Assert.Contains("burst:1", Assert.Single(report.Violations), StringComparison.Ordinal);
        Assert.Equal(1, report.Kinds.Single(k => k.Kind == nameof(FaultKind.SiloKill)).BurstsWithRepeatedFactory);
    }

    [Fact]
    public void Check_BridgeMessages_LostOnTheStream_OrAppliedTwice_AreViolations_AndAppliedOnceIsNot()
    {
        Bridge("bridge:1", BridgePath.Stream, new FinalState(true, "before", V(1)));
        Bridge("bridge:2", BridgePath.PubSub, new FinalState(false, null, V(3)));
        Bridge("bridge:3", BridgePath.PubSub, new FinalState(false, null, V(2)));

        var report = Check();

        Assert.Equal(2, report.Violations.Count);
        Assert.Contains(report.Violations, v => v.Contains("bridge:1", StringComparison.Ordinal) && v.Contains("never applied", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.Contains("bridge:2", StringComparison.Ordinal) && v.Contains("applied 2 times", StringComparison.Ordinal));
        Assert.Equal((2, 0, 1), report.Kinds.Single().PubSub);
        Assert.Equal((1, 1, 0), report.Kinds.Single().Stream);
    }

    [Fact]
    public void Check_TypedAndKeyspaceMessages_AreCountedPerPath_LostOrTwiceWithNoFaultAround_AreViolations()
    {
        Bridge("bridge:typed:1", BridgePath.Typed, new FinalState(false, null, V(2)));
        Bridge("bridge:typed:2", BridgePath.Typed, new FinalState(true, "before", V(1)));
        Bridge("bridge:ks:3", BridgePath.Keyspace, new FinalState(false, null, V(2)));
        Bridge("bridge:ks:4", BridgePath.Keyspace, new FinalState(false, null, V(3)));

        var report = Check();

        Assert.Equal(2, report.Violations.Count);
        Assert.Contains(report.Violations, v => v.StartsWith("Typed message bridge:typed:2", StringComparison.Ordinal) && v.Contains("never applied", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.StartsWith("Keyspace message bridge:ks:4", StringComparison.Ordinal) && v.Contains("applied 2 times", StringComparison.Ordinal));
        var none = report.Kinds.Single();
        Assert.Equal(((2, 1, 0), (2, 0, 1), (0, 0, 0), (0, 0, 0)), (none.Typed, none.Keyspace, none.PubSub, none.Stream));
        Assert.Contains("| 0 / 0 / 0 | 0 / 0 / 0 | 2 / 1 / 0 | 2 / 0 / 1 |", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TypedMessageLostUnderAPartition_IsCountedThere_NotAViolation()
    {
        Bridge("bridge:typed:1", BridgePath.Typed, new FinalState(true, "before", V(1)));
        _history.Faults.Enqueue(new FaultWindow(FaultKind.Partition, "slot 1", Ms(5), Ms(8), TimeSpan.FromSeconds(21)));

        var report = Check();

        Assert.Empty(report.Violations);
        Assert.Equal((1, 1, 0), report.Kinds.Single(k => k.Kind == nameof(FaultKind.Partition)).Typed);
    }

    private FaultReport Check() => new HistoryChecker(_history, _finals, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6), Ms(10_000)).Check();

    private void Write(int client, int start, int end, long change, string value) =>
        _history.Operations.Enqueue(new OperationRecord(client, OperationKind.Write, Key, Ms(start), Ms(end), true, true, value, V(change)));

    private void Read(int client, int start, int end, long change, string value) =>
        _history.Operations.Enqueue(new OperationRecord(client, OperationKind.Read, Key, Ms(start), Ms(end), true, true, value, V(change)));

    private void Bridge(string key, BridgePath path, FinalState final)
    {
        _history.BridgeMessages[key] = new BridgeMessageRecord(key, key, path, V(1)) { Started = Ms(0), Sent = Ms(10), Receivers = 3 };
        _finals[key] = final;
    }

    private static CacheVersion V(long change) => new(1, 1, change);

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);
}
