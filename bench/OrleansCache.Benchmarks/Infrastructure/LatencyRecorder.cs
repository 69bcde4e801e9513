using System.Diagnostics;
using HdrHistogram;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>Latencies into an HdrHistogram (1 µs to 2 min, 3 significant digits), safe to record from many threads.</summary>
internal sealed class LatencyRecorder
{
    private static readonly long MaxTicks = Stopwatch.Frequency * 120;
    private readonly HistogramBase _histogram = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(MaxTicks).WithPrecisionOf(3).WithThreadSafeWrites().Create();

    public long Count => _histogram.TotalCount;

    /// <summary>Records the time from <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) to <paramref name="endTimestamp"/>.</summary>
    public void Record(long startTimestamp, long endTimestamp) => _histogram.RecordValue(Math.Clamp(endTimestamp - startTimestamp, 1, MaxTicks));

    /// <summary>Records a duration in microseconds (e.g. a metric the product reports).</summary>
    public void RecordMicroseconds(double microseconds) => _histogram.RecordValue(Math.Clamp((long)(microseconds * Stopwatch.Frequency / 1_000_000), 1, MaxTicks));

    /// <summary>p50, p99 and max in microseconds, with this recorder as their distribution.</summary>
    public LatencySummary Summary() => _histogram.TotalCount == 0
        ? new LatencySummary(double.NaN, double.NaN, double.NaN, 0) { Distribution = this }
        : new LatencySummary(Micros(_histogram.GetValueAtPercentile(50)), Micros(_histogram.GetValueAtPercentile(99)), Micros(_histogram.GetMaxValue()), _histogram.TotalCount) { Distribution = this };

    /// <summary>Adds every sample of <paramref name="other"/> (repeats merged into one distribution for a plot).</summary>
    public void Add(LatencyRecorder other) => _histogram.Add(other._histogram);

    /// <summary>The cumulative distribution: (latency in microseconds, percentage of samples at or below it), ascending.</summary>
    public IReadOnlyList<(double Micros, double Percent)> Cumulative()
    {
        var points = new List<(double, double)>();
        var total = _histogram.TotalCount;
        long seen = 0;
        foreach (var bucket in _histogram.RecordedValues())
        {
            seen += bucket.CountAtValueIteratedTo;
            points.Add((Micros(bucket.ValueIteratedTo), 100.0 * seen / total));
        }

        return points;
    }

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
