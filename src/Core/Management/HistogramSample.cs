namespace OrleansCache.Core.Management;

/// <summary>
/// A histogram as cumulative-free buckets: <see cref="Counts"/>[i] values fell at or below <see cref="Bounds"/>[i] (and
/// above the previous bound); the last count holds the values above every bound.
/// </summary>
public sealed record HistogramSample
{
    /// <summary>Upper bounds of the buckets, ascending.</summary>
    public required IReadOnlyList<double> Bounds { get; init; }

    /// <summary>Values per bucket; one more entry than <see cref="Bounds"/>.</summary>
    public required IReadOnlyList<long> Counts { get; init; }

    /// <summary>How many values were recorded.</summary>
    public long Count { get; init; }

    /// <summary>The sum of the recorded values.</summary>
    public double Sum { get; init; }

    /// <summary>
    /// Estimates the <paramref name="quantile"/> (0..1) by linear interpolation inside the bucket that holds it; NaN when
    /// nothing was recorded. Values above the last bound are reported as that bound, so a p99 there is a lower bound.
    /// </summary>
    public double Quantile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (Count == 0 || Bounds.Count == 0)
        {
            return double.NaN;
        }

        var rank = quantile * Count;
        long seen = 0;
        for (var i = 0; i < Counts.Count; i++)
        {
            var inBucket = Counts[i];
            if (inBucket > 0 && seen + inBucket >= rank)
            {
                if (i >= Bounds.Count)
                {
                    return Bounds[^1];
                }

                var lower = i == 0 ? 0 : Bounds[i - 1];
                var fraction = Math.Clamp((rank - seen) / inBucket, 0, 1);
                return lower + ((Bounds[i] - lower) * fraction);
            }

            seen += inBucket;
        }

        return Bounds[^1];
    }
}
