using OrleansCache.TestSupport.Staleness;
using Xunit;

namespace OrleansCache.Bench.Tests;

/// <summary>The staleness checker on made-up histories: it counts what is stale, by how much, and nothing else.</summary>
/// <remarks>In the bench collection: the workload test's readers pause on timers, which a cluster starting beside them would hold up.</remarks>
[Collection(BenchCollection.Name)]
public sealed class StalenessCheckerTests
{
    private static readonly TimeSpan Ten = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Hundred = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void ReadOfAnOlderVersion_AfterANewerWriteWasAcknowledged_CountsAsStaleByTheTimeSinceThatAcknowledgement()
    {
        var report = Check(
            [Write(0, 1, 0, 5), Write(0, 2, 100, 110)],
            [Read(0, 1, 260, 261)]);

        Assert.Equal(1, report.StaleReads);
        Assert.Equal(TimeSpan.FromMilliseconds(150), report.MaxStaleness);
        Assert.Equal(1, report.Count(Ten));
        Assert.Equal(1, report.Count(Hundred));
        Assert.Equal(0, report.Count(Second));
        Assert.Contains("key 0", Assert.Single(report.Examples), StringComparison.Ordinal);
    }

    [Fact]
    public void StalenessCounts_FromTheEarliestAcknowledgedWriteNewerThanWhatWasRead()
    {
        // Version 1 read at 400 ms: versions 2 (ended 100) and 3 (ended 300) are both newer; it has been stale since 100.
        var report = Check(
            [Write(0, 1, 0, 5), Write(0, 2, 90, 100), Write(0, 3, 290, 300)],
            [Read(0, 1, 400, 401), Read(0, 2, 350, 351)]);

        Assert.Equal(2, report.StaleReads);
        Assert.Equal(TimeSpan.FromMilliseconds(300), report.MaxStaleness);
        Assert.Equal(1, report.Count(Hundred));
        Assert.Equal(2, report.Count(Ten));
    }

    [Fact]
    public void ReadsOfTheNewestVersion_OrBegunBeforeTheNewerWriteEnded_AreNotStale()
    {
        var report = Check(
            [Write(0, 1, 0, 5), Write(0, 2, 100, 110), Write(1, 1, 0, 5)],
            [Read(0, 2, 500, 501), Read(0, 1, 105, 200), Read(0, 1, 110, 111), Read(1, 1, 900, 901)]);

        // The read that began at 105 overlaps the write that ended at 110; the one at 110 began as it ended; key 1 has
        // only version 1.
        Assert.Equal(0, report.StaleReads);
        Assert.Equal(TimeSpan.Zero, report.MaxStaleness);
        Assert.Equal(0, report.Count(Ten));
        Assert.Empty(report.Examples);
    }

    [Fact]
    public void ReadThatFoundNothing_AfterAWriteWasAcknowledged_IsStale()
    {
        var report = Check([Write(0, 0, 0, 5)], [Read(0, null, 3, 4), Read(0, null, 2_000, 2_001)]);

        Assert.Equal(1, report.StaleReads);
        Assert.Equal(1, report.Count(Second));
        Assert.Contains("got nothing", Assert.Single(report.Examples), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsOfVersionsNobodyWrote_OrNotYetBegunToBeWritten_AreImpossible()
    {
        var report = Check(
            [Write(0, 1, 0, 5), Write(0, 2, 500, 510)],
            [Read(0, 7, 100, 101), Read(0, 2, 100, 101), Read(3, 1, 100, 101), Read(0, 2, 505, 507)]);

        Assert.Equal(3, report.Impossible);
        Assert.Equal(4, report.Reads);
        Assert.Equal(0, report.StaleReads);
    }

    [Fact]
    public void PausesOfTheProcess_BetweenTheAcknowledgementAndTheRead_AreTakenOffTheNetStaleness()
    {
        // Stale by 200 ms; 130 ms of it (120-250) the process was paused, and a pause after the read does not count.
        var history = new StalenessHistory([Write(0, 1, 0, 5), Write(0, 2, 90, 100)], [Read(0, 1, 300, 301)], Second)
        {
            Pauses = [new ProcessPause(TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(250)), new ProcessPause(TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(900))],
        };

        var report = StalenessChecker.Check(history, [Ten, Hundred]);

        Assert.Equal(1, report.Count(Hundred));
        Assert.Equal(0, report.CountNetOfPauses(Hundred));
        Assert.Equal(1, report.CountNetOfPauses(Ten));
        Assert.Equal(2, report.Pauses);
        Assert.Equal(TimeSpan.FromMilliseconds(630), report.Paused);
        Assert.Contains("70.0 ms net of pauses", Assert.Single(report.Examples), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workload_OnInstancesThatNeverHearOfEachOthersWrites_FindsStaleReads()
    {
        // Each instance sees only its own writes, as HybridCache's L1s do: the workload and checker together must see it.
        var instances = Enumerable.Range(0, 3).Select(_ => new OwnWritesOnlyCache()).ToList();
        var options = new StalenessWorkloadOptions { Duration = TimeSpan.FromMilliseconds(400), ReadersPerInstance = 2 };

        var history = await StalenessWorkload.RunAsync(instances, options, "made-up:", TestContext.Current.CancellationToken);
        var report = StalenessChecker.Check(history, [Ten, Hundred]);

        Assert.True(report.Count(Hundred) > 0, report.ToString());
        Assert.Equal(0, report.Impossible);
        Assert.Equal(options.Keys, history.Writes.Count(w => w.Version == 0));
        Assert.All(history.Reads, r => Assert.InRange(r.Instance, 0, 2));
    }

    private static StalenessReport Check(AcknowledgedWrite[] writes, CheckedRead[] reads) =>
        StalenessChecker.Check(new StalenessHistory(writes, reads, Second), [Ten, Hundred, Second]);

    private static AcknowledgedWrite Write(int key, long version, int startMs, int endMs) =>
        new(key, version, TimeSpan.FromMilliseconds(startMs), TimeSpan.FromMilliseconds(endMs));

    private static CheckedRead Read(int key, long? version, int startMs, int endMs) =>
        new(0, key, version, TimeSpan.FromMilliseconds(startMs), TimeSpan.FromMilliseconds(endMs));

    /// <summary>A cache whose instances share nothing: each reads back only what it wrote itself (and the seed instance 0 wrote, for the others: nothing).</summary>
    private sealed class OwnWritesOnlyCache : IVersionedCache
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _values = new(StringComparer.Ordinal);

        public Task WriteAsync(string key, long version, CancellationToken cancellationToken)
        {
            _values[key] = version;
            return Task.CompletedTask;
        }

        public ValueTask<long?> ReadAsync(string key, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_values.TryGetValue(key, out var version) ? version : (long?)null);
    }
}
