using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Statistics;

/// <summary>
/// What <c>stats</c> shows of one silo, or of the whole cluster (<c>Silo</c> "total"); its <c>--json</c> shape (see
/// docs/cli.md). <c>Error</c> says why a silo's figures are missing (it did not answer), or is null.
/// </summary>
/// <param name="Silo">The silo's address, or "total".</param>
/// <param name="Name">The silo's name; null for the total.</param>
/// <param name="StartedAt">When the silo started (its figures count from then); null for the total.</param>
/// <param name="CacheEntryActivations">Cache-entry grains active now.</param>
/// <param name="ReadHits">Reads that reached a cache-entry grain and found a value.</param>
/// <param name="ReadMisses">Reads that reached a cache-entry grain and found none.</param>
/// <param name="HitRatio">Hits over reads; null without reads.</param>
/// <param name="InvalidationsPublished">Invalidations handed to the feeds (key, pattern, tag, all).</param>
/// <param name="BatchesSent">Invalidation batches the feeds sent to clients, one-way (heartbeats not counted).</param>
/// <param name="Delivery">Time from an invalidation reaching its feed to a client acknowledging it.</param>
/// <param name="Counters">Every counter the silo reported, by <c>name{tags}</c> (summed over silos for the total).</param>
/// <param name="Histograms">Every histogram the silo reported (none for the total: summaries do not merge).</param>
/// <param name="Error">Why the silo's figures are missing.</param>
internal sealed record SiloFigures(
    string Silo,
    string? Name,
    DateTimeOffset? StartedAt,
    int CacheEntryActivations,
    long ReadHits,
    long ReadMisses,
    double? HitRatio,
    long InvalidationsPublished,
    long BatchesSent,
    LatencyFigures Delivery,
    IReadOnlyDictionary<string, double> Counters,
    IReadOnlyDictionary<string, MetricSummary> Histograms,
    string? Error = null);
