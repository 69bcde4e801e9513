using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Silo.Http;

/// <summary>
/// One silo's cache figures since it started, summed over tags for the page; the browser turns successive totals into
/// rates. <see cref="Counters"/> keeps every series as the silo reported it.
/// </summary>
internal sealed record SiloFiguresView(
    string Address,
    string? Name,
    string? Error,
    DateTimeOffset StartedAt,
    int Entries,
    double ReadsHit,
    double ReadsMiss,
    double InvalidationsPublished,
    double Deliveries,
    double DeliveriesFailed,
    double SubscriptionsEnded,
    MetricSummary? DeliveryLatency,
    IReadOnlyDictionary<string, double> Counters)
{
    public static SiloFiguresView From(SiloStats stats) => new(
        stats.Silo,
        stats.Name,
        stats.Error,
        stats.StartedAt,
        stats.CacheEntryActivations,
        Series(stats, "orleanscache.cache.reads", "result=hit"),
        Series(stats, "orleanscache.cache.reads", "result=miss"),
        Total(stats, "orleanscache.cache.invalidations.published"),
        Series(stats, "orleanscache.cache.deliveries", "outcome=sent"),
        Series(stats, "orleanscache.cache.deliveries", "outcome=heartbeat_failed"),
        Total(stats, "orleanscache.cache.subscriptions.ended"),
        stats.Histograms.Where(h => string.Equals(h.Key, "orleanscache.cache.feeds.round_trip.duration", StringComparison.Ordinal)).Select(h => h.Value).FirstOrDefault(),
        stats.Counters);

    /// <summary>An instrument's total over all its series.</summary>
    private static double Total(SiloStats stats, string instrument) =>
        stats.Counters.Where(c => string.Equals(c.Key, instrument, StringComparison.Ordinal) || c.Key.StartsWith(instrument + "{", StringComparison.Ordinal)).Sum(c => c.Value);

    /// <summary>An instrument's series with one tag.</summary>
    private static double Series(SiloStats stats, string instrument, string tag) =>
        stats.Counters.TryGetValue($"{instrument}{{{tag}}}", out var value) ? value : 0;
}
