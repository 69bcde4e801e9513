using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Statistics;

/// <summary>
/// Reduces the silos' reports (<c>ICacheClusterGrain.GetSiloStatsAsync</c>) to what <c>stats</c> shows. Counters are
/// totals since each silo started; the total adds up the silos that answered.
/// </summary>
internal static class StatsReport
{
    public const string Reads = "orleanscache.cache.reads";
    public const string InvalidationsPublished = "orleanscache.cache.invalidations.published";
    public const string Deliveries = "orleanscache.cache.deliveries";
    public const string DeliveryDuration = "orleanscache.cache.feeds.round_trip.duration";

    private static readonly IReadOnlyDictionary<string, double> NoCounters = new Dictionary<string, double>(StringComparer.Ordinal);
    private static readonly IReadOnlyDictionary<string, MetricSummary> NoHistograms = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);

    public static SiloFigures ForSilo(SiloStats silo)
    {
        var histograms = silo.Histograms ?? NoHistograms;
        var figures = Figures(silo.Silo, silo.Name, silo.StartedAt, silo.CacheEntryActivations, silo.Counters ?? NoCounters, Delivery(histograms));
        return figures with { Histograms = histograms, Error = silo.Error };
    }

    /// <summary>The sums over the silos that answered; latency as a count and a mean (percentiles do not merge).</summary>
    public static SiloFigures Total(IReadOnlyList<SiloStats> silos)
    {
        var answered = silos.Where(s => s.Error is null).ToArray();
        var counters = answered
            .SelectMany(s => s.Counters ?? NoCounters)
            .GroupBy(c => c.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);
        var delivery = answered.SelectMany(s => Series(s.Histograms ?? NoHistograms, DeliveryDuration)).ToArray();
        var count = delivery.Sum(d => d.Count);
        var latency = count > 0 ? new LatencyFigures(count, Round(delivery.Sum(d => d.Sum) / count), null, null, null) : LatencyFigures.None;
        return Figures("total", null, null, answered.Sum(s => s.CacheEntryActivations), counters, latency);
    }

    private static SiloFigures Figures(string silo, string? name, DateTimeOffset? startedAt, int activations, IReadOnlyDictionary<string, double> counters, LatencyFigures delivery)
    {
        var keys = counters.Select(c => (Key: MetricKey.Parse(c.Key), c.Value)).ToArray();
        long Sum(string metric, string? tag = null, string? value = null) => (long)keys.Where(c => c.Key.Is(metric, tag, value)).Sum(c => c.Value);
        var hits = Sum(Reads, "result", "hit");
        var misses = Sum(Reads, "result", "miss");
        return new SiloFigures(
            silo,
            name,
            startedAt,
            activations,
            hits,
            misses,
            hits + misses > 0 ? (double)hits / (hits + misses) : null,
            Sum(InvalidationsPublished),
            Sum(Deliveries, "outcome", "sent"),
            delivery,
            counters,
            NoHistograms);
    }

    /// <summary>One silo's delivery latency: percentiles when it reported one series, count and mean in any case.</summary>
    private static LatencyFigures Delivery(IReadOnlyDictionary<string, MetricSummary> histograms)
    {
        var series = Series(histograms, DeliveryDuration).ToArray();
        var count = series.Sum(s => s.Count);
        if (count == 0)
        {
            return LatencyFigures.None;
        }

        var mean = Round(series.Sum(s => s.Sum) / count);
        return series.Length == 1
            ? new LatencyFigures(count, mean, Round(series[0].P50), Round(series[0].P90), Round(series[0].P99))
            : new LatencyFigures(count, mean, null, null, null);
    }

    private static IEnumerable<MetricSummary> Series(IReadOnlyDictionary<string, MetricSummary> histograms, string name) =>
        histograms.Where(h => MetricKey.Parse(h.Key).Is(name)).Select(h => h.Value);

    /// <summary>Microseconds are as precise as a latency summary gets.</summary>
    private static double Round(double milliseconds) => Math.Round(milliseconds, 3);
}
