using System.Globalization;
using OrleansCache.TestSupport.History;

namespace OrleansCache.TestSupport.Staleness;

/// <summary>
/// Judges every read of a history against the writes acknowledged before it: a read is stale by d when it returned a
/// version older than a write acknowledged (ended) more than d before the read began. Versions are per key, and each
/// key has one writer, so a larger version is a later write. A read that found nothing counts as older than every
/// version. Reads that began before a newer write ended are not stale: they may linearize before it. Each count is
/// also given net of the process's pauses (<see cref="ProcessPauseMonitor"/>): the time between the acknowledgement and
/// the read in which nothing in the process could run is taken off the read's staleness.
/// </summary>
public static class StalenessChecker
{
    private const int ExampleCount = 5;

    public static StalenessReport Check(StalenessHistory history, IReadOnlyList<TimeSpan> thresholds)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(thresholds);
        var byKey = history.Writes.GroupBy(w => w.Key).ToDictionary(g => g.Key, g => new KeyWrites([.. g]));
        var stalerThan = thresholds.Distinct().ToDictionary(t => t, _ => 0);
        var netOfPauses = thresholds.Distinct().ToDictionary(t => t, _ => 0);
        var stale = 0;
        var impossible = 0;
        var max = TimeSpan.Zero;
        var worst = new List<(TimeSpan Staleness, string Text)>();
        foreach (var read in history.Reads)
        {
            if (!byKey.TryGetValue(read.Key, out var writes))
            {
                impossible += read.Version is null ? 0 : 1;
                continue;
            }

            if (read.Version is { } version && !writes.Started(version, read.End))
            {
                impossible++;
                continue;
            }

            if (writes.EarliestEndAbove(read.Version ?? long.MinValue) is not { } newerEnded || newerEnded >= read.Start)
            {
                continue;
            }

            var staleness = read.Start - newerEnded;
            stale++;
            max = staleness > max ? staleness : max;
            var net = staleness - history.Pauses.Aggregate(TimeSpan.Zero, (total, pause) => total + pause.OverlapWith(newerEnded, read.Start));
            foreach (var threshold in thresholds.Distinct())
            {
                stalerThan[threshold] += staleness > threshold ? 1 : 0;
                netOfPauses[threshold] += net > threshold ? 1 : 0;
            }

            if (worst.Count < ExampleCount || staleness > worst[^1].Staleness)
            {
                worst.Add((staleness, Describe(read, staleness, net, newerEnded)));
                worst.Sort((a, b) => b.Staleness.CompareTo(a.Staleness));
                if (worst.Count > ExampleCount)
                {
                    worst.RemoveAt(worst.Count - 1);
                }
            }
        }

        return new StalenessReport
        {
            Reads = history.Reads.Count,
            Writes = history.Writes.Count,
            StalerThan = stalerThan,
            StalerThanNetOfPauses = netOfPauses,
            Pauses = history.Pauses.Count,
            Paused = history.Pauses.Aggregate(TimeSpan.Zero, (total, pause) => total + pause.Length),
            StaleReads = stale,
            MaxStaleness = max,
            Impossible = impossible,
            Examples = [.. worst.Select(w => w.Text)],
        };
    }

    private static string Describe(CheckedRead read, TimeSpan staleness, TimeSpan net, TimeSpan newerEnded) => string.Create(
        CultureInfo.InvariantCulture,
        $"instance {read.Instance} read key {read.Key} at t={read.Start.TotalSeconds:0.0000}s and got {(read.Version is { } v ? "version " + v.ToString(CultureInfo.InvariantCulture) : "nothing")}, {staleness.TotalMilliseconds:0.0} ms ({net.TotalMilliseconds:0.0} ms net of pauses) after a newer write was acknowledged (t={newerEnded.TotalSeconds:0.0000}s); the read took {(read.End - read.Start).TotalMilliseconds:0.000} ms");

    /// <summary>
    /// One key's writes: the earliest end of a write newer than a version (a binary search), and when each version's
    /// write began.
    /// </summary>
    private sealed class KeyWrites
    {
        private readonly EarliestEndAbove<long> _newer;
        private readonly Dictionary<long, TimeSpan> _startOf = [];

        public KeyWrites(List<AcknowledgedWrite> writes)
        {
            _newer = new EarliestEndAbove<long>(writes.Select(w => (w.Version, w.End)));
            foreach (var write in writes)
            {
                _startOf[write.Version] = write.Start;
            }
        }

        /// <summary>Whether a write of <paramref name="version"/> had begun by <paramref name="before"/> (so a read ending then may have seen it).</summary>
        public bool Started(long version, TimeSpan before) => _startOf.TryGetValue(version, out var start) && start <= before;

        public TimeSpan? EarliestEndAbove(long version) => _newer.Of(version);
    }
}
