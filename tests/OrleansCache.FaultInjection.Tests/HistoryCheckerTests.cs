using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.History;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>The checker on made-up histories: it passes a clean one and catches each kind of broken promise.</summary>
public sealed class HistoryCheckerTests
{
    private static readonly CacheVersion V1 = new(1, 1, 1);
    private static readonly CacheVersion V2 = new(1, 1, 2);
    private static readonly CacheVersion V3 = new(1, 1, 3);

    [Fact]
    public void CleanHistory_HasNoViolations()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        Add(history, Read(1, "k", "a", V1, 0.2, 0.3));
        Add(history, Write(0, "k", "b", V2, 0.4, 0.5));
        // Stale by 0.5 s: within the 1 s bound without faults.
        Add(history, Read(1, "k", "a", V1, 1.0, 1.1));
        Add(history, Read(1, "k", "b", V2, 1.2, 1.3));

        var report = Check(history, ("k", new FinalState(true, "b", V2)));

        Assert.True(report.Passed, report.ToMarkdown());
        Assert.Equal(1, report.Kinds.Single(k => k.Kind == "none").StaleReads);
    }

    [Fact]
    public void ReadGoingBack_ForOneClient_IsAViolation()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        Add(history, Write(0, "k", "b", V2, 0.2, 0.3));
        Add(history, Read(1, "k", "b", V2, 0.4, 0.5));
        Add(history, Read(1, "k", "a", V1, 0.6, 0.7));

        var report = Check(history, ("k", new FinalState(true, "b", V2)));

        Assert.Contains(report.Violations, v => v.Contains("client 1 read k", StringComparison.Ordinal) && v.Contains("version 1.1.1 after its Read of version 1.1.2", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadOlderThanAChangeAcknowledgedPastTheBound_IsAViolation()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        Add(history, Write(0, "k", "b", V2, 0.2, 0.3));
        Add(history, Read(1, "k", "a", V1, 1.5, 1.6));

        var report = Check(history, ("k", new FinalState(true, "b", V2)));

        Assert.Single(report.Violations);
        Assert.Contains("1200 ms older than a change acknowledged at t=0.300s (bound 1000 ms", report.Violations[0], StringComparison.Ordinal);
    }

    [Fact]
    public void SameStaleness_InsideAFaultsWindow_IsWithinItsBound()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        Add(history, Write(0, "k", "b", V2, 0.2, 0.3));
        Add(history, Read(1, "k", "a", V1, 1.5, 1.6));
        history.Faults.Enqueue(new FaultWindow(FaultKind.SiloKill, "test", TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(1), FaultBounds.Of(FaultKind.SiloKill)));

        var report = Check(history, ("k", new FinalState(true, "b", V2)));

        Assert.True(report.Passed, report.ToMarkdown());
        Assert.Equal(1, report.Kinds.Single(k => k.Kind == nameof(FaultKind.SiloKill)).StaleReads);
    }

    [Fact]
    public void P99Staleness_CountsReadsThatWereNotStale_AsZero()
    {
        // 100 reads of the new value and 3 stale ones (100, 200, 300 ms): the 99th percentile is the 102nd of 103.
        var none = ReadsAfterAChange(staleReads: 3, freshReads: 100);

        Assert.Equal(3, none.StaleReads);
        Assert.Equal(TimeSpan.FromMilliseconds(300), none.MaxStaleness);
        Assert.Equal(TimeSpan.FromMilliseconds(200), none.P99Staleness);
    }

    [Fact]
    public void P99Staleness_IsZero_WhenUnderOnePercentOfReadsWereStale()
    {
        var none = ReadsAfterAChange(staleReads: 1, freshReads: 200);

        Assert.Equal(1, none.StaleReads);
        Assert.Equal(TimeSpan.Zero, none.P99Staleness);
    }

    [Fact]
    public void Recovery_IsTheLongestFromHealedToServedAgain_PerKind()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        history.Faults.Enqueue(new FaultWindow(FaultKind.SiloKill, "test", T(1), T(2), FaultBounds.Of(FaultKind.SiloKill)) { ServedAgain = T(2.5) });
        history.Faults.Enqueue(new FaultWindow(FaultKind.SiloKill, "test", T(5), T(6), FaultBounds.Of(FaultKind.SiloKill)) { ServedAgain = T(7.5) });

        var report = Check(history, ("k", new FinalState(true, "a", V1)));

        Assert.Equal(TimeSpan.FromSeconds(1.5), report.Kinds.Single(k => k.Kind == nameof(FaultKind.SiloKill)).MaxRecovery);
        Assert.Contains("| 1.5 s |", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void AcknowledgedWriteMissingAfterwards_IsALostWrite()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        Add(history, Write(1, "k", "b", V2, 0.2, 0.3));

        var report = Check(history, ("k", new FinalState(true, "a", V1)));

        Assert.Contains(report.Violations, v => v.StartsWith("k: the last acknowledged change was client 1's Write of 'b'", StringComparison.Ordinal));
        Assert.Equal(1, report.Kinds.Single(k => k.Kind == "none").LostWrites);
    }

    [Fact]
    public void FinalValue_FromAFailedLaterWrite_IsNotALostWrite()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        // Threw: it may have taken effect.
        history.Operations.Enqueue(new OperationRecord(1, OperationKind.Write, "k", T(0.2), T(0.3), false, false, "b", null));

        var report = Check(history, ("k", new FinalState(true, "b", V3)));

        Assert.True(report.Passed, report.ToMarkdown());
    }

    [Fact]
    public void PatternInvalidation_MakesEarlierValuesStale()
    {
        var history = new RunHistory();
        Add(history, Write(0, "grp0:1", "a", V1, 0.0, 0.1));
        history.Operations.Enqueue(new OperationRecord(0, OperationKind.Pattern, "grp0:*", T(0.2), T(0.3), true, false, null, null));
        Add(history, Read(1, "grp0:1", "a", V1, 2.0, 2.1));

        var report = Check(history, ("grp0:1", new FinalState(false, null, V2)));

        Assert.Contains(report.Violations, v => v.Contains("1700 ms older", StringComparison.Ordinal));
    }

    [Fact]
    public void ChangeBegunBeforeRedisCameBackEmpty_MissingAfterwards_IsExpected()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        history.Faults.Enqueue(new FaultWindow(FaultKind.RedisRestartEmpty, "test", T(0.2), T(5), FaultBounds.Of(FaultKind.RedisRestartEmpty)) { DataLostUntil = T(0.5) });

        var report = Check(history, ("k", new FinalState(false, null, V2)));

        Assert.True(report.Passed, report.ToMarkdown());
    }

    [Fact]
    public void ChangeBegunAfterRedisCameBackEmpty_MissingAfterwards_IsALostWrite()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        // Begun after Redis was back (empty): it must survive, whatever happened to the write before it.
        Add(history, Write(1, "k", "b", V2, 0.6, 0.7));
        history.Faults.Enqueue(new FaultWindow(FaultKind.RedisRestartEmpty, "test", T(0.2), T(5), FaultBounds.Of(FaultKind.RedisRestartEmpty)) { DataLostUntil = T(0.5) });

        var report = Check(history, ("k", new FinalState(false, null, V3)));

        Assert.Contains(report.Violations, v => v.StartsWith("k: the last acknowledged change was client 1's Write of 'b'", StringComparison.Ordinal));
        Assert.Equal(1, report.Kinds.Single(k => k.Kind == nameof(FaultKind.RedisRestartEmpty)).LostWrites);
    }

    [Fact]
    public void StaleRead_IsReportedWithWhatItsClientLoggedMeanwhile()
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        Add(history, Write(0, "k", "b", V2, 0.2, 0.3));
        Add(history, Read(1, "k", "a", V1, 1.5, 1.6));
        var partition = CachePartitions.Of("k");
        history.ClientLogs.Add(1, T(0.9), "Warning", $"Partition {partition} may have missed invalidations (silence)");
        history.ClientLogs.Add(1, T(0.95), "Debug", $"Partition {(partition + 1) % CachePartitions.Count} subscribed");
        history.ClientLogs.Add(1, T(0.97), "Warning", "Lost the connection to the cluster");
        history.ClientLogs.Add(0, T(1.0), "Warning", "another client's line");
        history.ClientLogs.Add(1, T(1.7), "Debug", "after the read");

        var violation = Assert.Single(Check(history, ("k", new FinalState(true, "b", V2))).Violations);

        Assert.Contains($"client 1's log about partition {partition} and its connections from", violation, StringComparison.Ordinal);
        Assert.Contains($"t=0.900s client 1 Warning: Partition {partition} may have missed invalidations (silence)", violation, StringComparison.Ordinal);
        Assert.Contains("t=0.970s client 1 Warning: Lost the connection to the cluster", violation, StringComparison.Ordinal);
        Assert.DoesNotContain("subscribed", violation, StringComparison.Ordinal);
        Assert.DoesNotContain("another client's line", violation, StringComparison.Ordinal);
        Assert.DoesNotContain("after the read", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void IncidentsOfTheRunner_AreViolations()
    {
        var history = new RunHistory();
        history.Incidents.Enqueue("silo 1 still ran after it was declared dead");

        var report = Check(history);

        Assert.Equal(["silo 1 still ran after it was declared dead"], report.Violations);
    }

    /// <summary>
    /// The figures without faults of a change acknowledged at 0.3 s, then <paramref name="staleReads"/> reads of the old
    /// value 100 ms apart (100, 200, ... ms stale), then <paramref name="freshReads"/> of the new one.
    /// </summary>
    private static KindFigures ReadsAfterAChange(int staleReads, int freshReads)
    {
        var history = new RunHistory();
        Add(history, Write(0, "k", "a", V1, 0.0, 0.1));
        Add(history, Write(0, "k", "b", V2, 0.2, 0.3));
        for (var i = 1; i <= staleReads; i++)
        {
            Add(history, Read(1, "k", "a", V1, 0.3 + (i * 0.1), 0.31 + (i * 0.1)));
        }

        for (var i = 0; i < freshReads; i++)
        {
            Add(history, Read(2, "k", "b", V2, 0.7 + (i * 0.001), 0.7005 + (i * 0.001)));
        }

        return Check(history, ("k", new FinalState(true, "b", V2))).Kinds.Single(k => k.Kind == "none");
    }

    private static FaultReport Check(RunHistory history, params (string Key, FinalState State)[] finals) =>
        new HistoryChecker(history, finals.ToDictionary(f => f.Key, f => f.State, StringComparer.Ordinal), FaultBounds.NoFault, TimeSpan.FromSeconds(10)).Check();

    private static void Add(RunHistory history, OperationRecord record) => history.Operations.Enqueue(record);

    private static OperationRecord Write(int client, string key, string value, CacheVersion version, double start, double end) =>
        new(client, OperationKind.Write, key, T(start), T(end), true, false, value, version);

    private static OperationRecord Read(int client, string key, string value, CacheVersion version, double start, double end) =>
        new(client, OperationKind.Read, key, T(start), T(end), true, true, value, version);

    private static TimeSpan T(double seconds) => TimeSpan.FromSeconds(seconds);
}
