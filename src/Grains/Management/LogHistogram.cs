using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Management;

/// <summary>
/// A thread-safe histogram of non-negative values in buckets that grow by 10% each, from 0.001 up to about 10^7: its
/// percentiles are within 10% of the true value, in constant memory, however many values are recorded.
/// </summary>
internal sealed class LogHistogram
{
    private const double Smallest = 0.001;
    private const double Growth = 1.1;
    private const int Buckets = 245;
    private static readonly double LogGrowth = Math.Log(Growth);

    private readonly long[] _counts = new long[Buckets];
    private long _count;
    private double _sum;

    public void Record(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Interlocked.Increment(ref _count);
        DoubleCell.Add(ref _sum, value);
    }

    public MetricSummary Summarize()
    {
        var counts = new long[Buckets];
        for (var i = 0; i < Buckets; i++)
        {
            counts[i] = Interlocked.Read(ref _counts[i]);
        }

        // Counts are read one by one while values arrive: the total is what was read, so percentiles stay consistent.
        var total = counts.Sum();
        return new MetricSummary(total, Volatile.Read(ref _sum), Percentile(counts, total, 0.50), Percentile(counts, total, 0.90), Percentile(counts, total, 0.99));
    }

    /// <summary>Bucket 0 holds values up to <see cref="Smallest"/>; bucket i holds (Smallest·Growth^(i-1), Smallest·Growth^i].</summary>
    internal static int BucketOf(double value)
    {
        if (value <= Smallest)
        {
            return 0;
        }

        var index = (int)Math.Ceiling(Math.Log(value / Smallest) / LogGrowth);
        return Math.Clamp(index, 1, Buckets - 1);
    }

    /// <summary>The upper bound of the bucket that holds the value of rank <paramref name="quantile"/>·total.</summary>
    private static double Percentile(long[] counts, long total, double quantile)
    {
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return i == 0 ? Smallest : Smallest * Math.Pow(Growth, i);
            }
        }

        return Smallest * Math.Pow(Growth, Buckets - 1);
    }
}
