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

    /// <summary>p50, p99 and max in microseconds.</summary>
    public LatencySummary Summary() => _histogram.TotalCount == 0
        ? new LatencySummary(double.NaN, double.NaN, double.NaN, 0)
        : new LatencySummary(Micros(_histogram.GetValueAtPercentile(50)), Micros(_histogram.GetValueAtPercentile(99)), Micros(_histogram.GetMaxValue()), _histogram.TotalCount);

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
