using OrleansCache.Core.Management;

namespace OrleansCache.Runtime.Diagnostics;

/// <summary>The running figures of one tag set of one instrument. Thread-safe; recording never allocates.</summary>
internal sealed class MetricSeries
{
    /// <summary>
    /// Bucket bounds for every histogram. The runtime's histograms are durations in milliseconds; these cover 50 µs
    /// (a loopback call) to 10 s (a call near its timeout) at roughly 2.5x steps.
    /// </summary>
    public static readonly double[] HistogramBounds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly long[]? _buckets;
    private double _value;

    public MetricSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags, bool histogram)
    {
        _tags = tags.ToArray();
        Tags = _tags.ToDictionary(t => t.Key, t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal);
        _buckets = histogram ? new long[HistogramBounds.Length + 1] : null;
    }

    public IReadOnlyDictionary<string, string> Tags { get; }

    public double Value => Volatile.Read(ref _value);

    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != _tags.Length)
        {
            return false;
        }

        for (var i = 0; i < tags.Length; i++)
        {
            if (!string.Equals(tags[i].Key, _tags[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, _tags[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    public void Add(double increment) => InterlockedAdd(ref _value, increment);

    public void Set(double value) => Volatile.Write(ref _value, value);

    public void Observe(double value)
    {
        var bucket = Array.BinarySearch(HistogramBounds, value);
        Interlocked.Increment(ref _buckets![bucket >= 0 ? bucket : ~bucket]);
        InterlockedAdd(ref _value, value);
    }

    public HistogramSample HistogramSnapshot()
    {
        var counts = new long[_buckets!.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Volatile.Read(ref _buckets[i]);
        }

        return new HistogramSample { Bounds = HistogramBounds, Counts = counts, Count = counts.Sum(), Sum = Value };
    }

    private static void InterlockedAdd(ref double target, double increment)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref target, current + increment, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }
}
