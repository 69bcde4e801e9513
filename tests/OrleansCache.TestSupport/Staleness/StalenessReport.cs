using System.Globalization;

namespace OrleansCache.TestSupport.Staleness;

/// <summary>What <see cref="StalenessChecker"/> found in a history.</summary>
public sealed class StalenessReport
{
    public required int Reads { get; init; }

    public required int Writes { get; init; }

    /// <summary>For each threshold d asked about: how many reads returned a version older than a write acknowledged more than d before the read began.</summary>
    public required IReadOnlyDictionary<TimeSpan, int> StalerThan { get; init; }

    /// <summary>
    /// The same counts with the time the process was paused (<see cref="StalenessHistory.Pauses"/>) between the newer
    /// write's acknowledgement and the read taken off each read's staleness.
    /// </summary>
    public required IReadOnlyDictionary<TimeSpan, int> StalerThanNetOfPauses { get; init; }

    /// <summary>How many pauses the process had, and their total length.</summary>
    public required int Pauses { get; init; }

    public required TimeSpan Paused { get; init; }

    /// <summary>Reads that returned a version older than some write acknowledged before they began (by any margin).</summary>
    public required int StaleReads { get; init; }

    /// <summary>The largest staleness of any read: how long before it began a newer write had been acknowledged.</summary>
    public required TimeSpan MaxStaleness { get; init; }

    /// <summary>Reads that returned a version nobody wrote: the history (or the cache) is broken, whatever the staleness.</summary>
    public required int Impossible { get; init; }

    /// <summary>A few of the stalest reads, described, for a failing test's message.</summary>
    public required IReadOnlyList<string> Examples { get; init; }

    /// <summary>How many reads were staler than <paramref name="threshold"/> (which must be one the checker was asked about).</summary>
    public int Count(TimeSpan threshold) => StalerThan[threshold];

    /// <summary>How many reads were staler than <paramref name="threshold"/> net of the process's pauses.</summary>
    public int CountNetOfPauses(TimeSpan threshold) => StalerThanNetOfPauses[threshold];

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Reads} reads, {Writes} writes; stale: {StaleReads} (max {MaxStaleness.TotalMilliseconds:0.0} ms); {string.Join(", ", StalerThan.OrderBy(s => s.Key).Select(s => $"> {s.Key.TotalMilliseconds:0} ms: {s.Value}"))}; net of {Pauses} pauses ({Paused.TotalMilliseconds:0} ms): {string.Join(", ", StalerThanNetOfPauses.OrderBy(s => s.Key).Select(s => $"> {s.Key.TotalMilliseconds:0} ms: {s.Value}"))}; impossible: {Impossible}")
        + (Examples.Count > 0 ? Environment.NewLine + string.Join(Environment.NewLine, Examples) : "");
}
