namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>A latency distribution's p50, p99 and max in microseconds, over <see cref="Count"/> samples.</summary>
internal sealed record LatencySummary(double P50, double P99, double Max, long Count)
{
    /// <summary>The whole distribution these figures came from, for plots; null for summaries of summaries.</summary>
    public LatencyRecorder? Distribution { get; init; }

    /// <summary>The median of each figure over repeated measurements, so one disturbed repeat does not decide a verdict.</summary>
    public static LatencySummary MedianOf(IReadOnlyList<LatencySummary> repeats) => new(
        Median(repeats.Select(r => r.P50)),
        Median(repeats.Select(r => r.P99)),
        Median(repeats.Select(r => r.Max)),
        repeats.Sum(r => r.Count));

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
