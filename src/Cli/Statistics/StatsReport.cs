using OrleansCache.Core.Management;

namespace OrleansCache.Cli.Statistics;

/// <summary>
/// Reduces the silos' metrics to what <c>stats</c> shows. Counters are totals since each silo started; call latency
/// percentiles come from the <c>orleanscache.calls.duration</c> histogram, merged across silos for the total.
/// </summary>
internal static class StatsReport
{
    public const string Reads = "orleanscache.cache.reads";
    public const string InvalidationsPublished = "orleanscache.cache.invalidations.published";
    public const string InvalidationsPushed = "orleanscache.cache.invalidations.pushed";
    public const string CallsHandled = "orleanscache.calls.handled";
    public const string CallDuration = "orleanscache.calls.duration";

    public static SiloFigures ForSilo(SiloStatistics silo) =>
        silo.Error is { } error
            ? new SiloFigures(silo.Address, 0, 0, null, 0, 0, 0, null, null, null, error)
            : Figures(silo.Address, [silo]);

    /// <summary>The sums over the silos that answered.</summary>
    public static SiloFigures Total(IReadOnlyList<SiloStatistics> silos) => Figures("total", [.. silos.Where(s => s.Error is null)]);

    private static SiloFigures Figures(string name, IReadOnlyList<SiloStatistics> silos)
    {
        var hits = Sum(silos, Reads, "result", "hit");
        var misses = Sum(silos, Reads, "result", "miss");
        var latency = Merge(silos.SelectMany(s => s.Metrics).Where(m => string.Equals(m.Name, CallDuration, StringComparison.Ordinal) && m.Histogram is not null).Select(m => m.Histogram!));
        return new SiloFigures(
            name,
            hits,
            misses,
            hits + misses > 0 ? (double)hits / (hits + misses) : null,
            (long)silos.Sum(s => s.Total(InvalidationsPublished)),
            (long)silos.Sum(s => s.Total(InvalidationsPushed)),
            (long)silos.Sum(s => s.Total(CallsHandled)),
            Quantile(latency, 0.5),
            Quantile(latency, 0.9),
            Quantile(latency, 0.99));
    }

    private static long Sum(IEnumerable<SiloStatistics> silos, string name, string tag, string value) =>
        (long)silos.SelectMany(s => s.Metrics)
            .Where(m => string.Equals(m.Name, name, StringComparison.Ordinal) && m.Tags.TryGetValue(tag, out var v) && string.Equals(v, value, StringComparison.Ordinal))
            .Sum(m => m.Value);

    /// <summary>Adds up histograms with the same bounds (every silo uses the same); others cannot be merged and are left out.</summary>
    internal static HistogramSample? Merge(IEnumerable<HistogramSample> histograms)
    {
        HistogramSample? merged = null;
        foreach (var histogram in histograms)
        {
            if (merged is null)
            {
                merged = histogram;
            }
            else if (merged.Bounds.SequenceEqual(histogram.Bounds) && merged.Counts.Count == histogram.Counts.Count)
            {
                merged = merged with
                {
                    Counts = [.. merged.Counts.Zip(histogram.Counts, (a, b) => a + b)],
                    Count = merged.Count + histogram.Count,
                    Sum = merged.Sum + histogram.Sum,
                };
            }
        }

        return merged;
    }

    /// <summary>Rounded to microseconds: bucket interpolation is no more precise than that.</summary>
    private static double? Quantile(HistogramSample? histogram, double quantile) =>
        histogram is { Count: > 0 } ? Math.Round(histogram.Quantile(quantile), 3) : null;
}
