using OrleansCache.FaultInjection.History;
using OrleansCache.FaultInjection.Soak;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>The soak's judgement on made-up samples: steady processes pass, one that keeps growing is named.</summary>
public sealed class SoakAnalysisTests
{
    [Fact]
    public void SteadyProcesses_AfterWarmUp_ShowNoGrowth()
    {
        // A warm-up that doubles RSS in the first minutes is not growth; a steady plateau after it is fine.
        var samples = Series("runner", minutes: 10, rss: t => t < 2 ? 100 + (50 * t) : 200, threads: _ => 40, handles: _ => 120);

        Assert.Empty(new SoakAnalysis(samples, []).Growth());
    }

    [Fact]
    public void AProcessWhoseMemoryThreadsAndDescriptorsKeepGrowing_IsNamedForEach()
    {
        var samples = Series("silo 1.1", minutes: 10, rss: t => 100 + (40 * t), threads: t => 30 + (20 * t), handles: t => 100 + (30 * t));

        var growth = new SoakAnalysis(samples, []).Growth();

        Assert.Contains(growth, g => g.StartsWith("silo 1.1: RSS (MB) grew", StringComparison.Ordinal));
        Assert.Contains(growth, g => g.StartsWith("silo 1.1: threads grew", StringComparison.Ordinal));
        Assert.Contains(growth, g => g.StartsWith("silo 1.1: descriptors grew", StringComparison.Ordinal));
    }

    [Fact]
    public void AShortLivedProcess_IsNotJudged()
    {
        // A silo replaced after three minutes has no warmed-up baseline worth comparing with.
        var samples = Series("silo 2.4", minutes: 3, rss: t => 100 * (t + 1), threads: _ => 30, handles: _ => 100);

        Assert.Empty(new SoakAnalysis(samples, []).Growth());
    }

    [Fact]
    public void TheRunnersMemory_IsJudgedNetOfTheHistoryItRecorded()
    {
        // The runner keeps every operation for the checker: memory that grows with what it recorded is not a leak.
        var samples = Series(SoakAnalysis.Runner, minutes: 10, rss: t => 100 + (30 * t), threads: _ => 16, handles: _ => 400);
        var history = Recorded(records: 700, valueLength: 50_000, fromMinute: 2, toMinute: 10);
        Assert.True(history.Sum(SoakAnalysis.HistoryBytes) > 60 * 1048576L);

        Assert.Empty(new SoakAnalysis(samples, history).Growth());
    }

    [Fact]
    public void TheRunnersResidentMemory_IsAllowedTheCollectorsShareOnItsHistory()
    {
        // About 37 MB recorded between the windows: resident memory 46 MB over 1.5× + 64 is within 1.5× the history
        // (the collector's free space on it), not within 1×.
        var samples = Series(SoakAnalysis.Runner, minutes: 10, rss: t => t < 5 ? 200 : 410, threads: _ => 16, handles: _ => 400);
        var history = Recorded(records: 500, valueLength: 50_000, fromMinute: 2, toMinute: 10);

        Assert.Empty(new SoakAnalysis(samples, history).Growth());
        Assert.Single(new SoakAnalysis(Series(SoakAnalysis.Runner, minutes: 10, rss: t => t < 5 ? 200 : 430, threads: _ => 16, handles: _ => 400), history).Growth());
    }

    [Fact]
    public void TheRunnersMemory_GrowingBeyondItsHistory_IsNamedWithTheAllowance()
    {
        var samples = Series(SoakAnalysis.Runner, minutes: 10, rss: t => 100 + (30 * t), threads: _ => 16, handles: _ => 400);
        var history = Recorded(records: 100, valueLength: 5_000, fromMinute: 2, toMinute: 10);

        var growth = Assert.Single(new SoakAnalysis(samples, history).Growth());

        Assert.StartsWith("runner: RSS (MB) grew", growth, StringComparison.Ordinal);
        Assert.Contains("for the history recorded meanwhile", growth, StringComparison.Ordinal);
    }

    [Fact]
    public void LatencyByMinute_CountsSuccessfulOperations_WithTheirPercentiles()
    {
        var operations = Enumerable.Range(0, 100)
            .Select(i => new OperationRecord(0, OperationKind.Read, "k", TimeSpan.FromSeconds(i * 0.5), TimeSpan.FromSeconds((i * 0.5) + ((i + 1) / 1000.0)), Ok: i != 7, Found: true, "v", null))
            .ToList();

        var minutes = new SoakAnalysis([], operations).LatencyByMinute();

        var first = minutes[0];
        Assert.Equal(0, first.Minute);
        Assert.Equal(99, minutes.Sum(m => m.Operations));
        Assert.True(first.P99Ms >= first.P50Ms);
        Assert.Equal(100, minutes[^1].P99Ms, precision: 0);
    }

    private static List<ResourceSample> Series(string name, int minutes, Func<double, double> rss, Func<double, double> threads, Func<double, double> handles) =>
        [.. Enumerable.Range(0, (minutes * 6) + 1).Select(i =>
        {
            var t = i / 6.0;
            return new ResourceSample(TimeSpan.FromMinutes(t), name, rss(t), (int)threads(t), (int)handles(t), null, null);
        })];

    /// <summary>Reads spread evenly over the minutes, each with a value of the given length.</summary>
    private static List<OperationRecord> Recorded(int records, int valueLength, double fromMinute, double toMinute) =>
        [.. Enumerable.Range(0, records).Select(i =>
        {
            var at = TimeSpan.FromMinutes(fromMinute + ((toMinute - fromMinute) * i / records));
            return new OperationRecord(0, OperationKind.Read, "k", at, at, Ok: true, Found: true, new string('v', valueLength), null);
        })];
}
