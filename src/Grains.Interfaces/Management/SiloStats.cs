namespace OrleansCache.Grains.Interfaces;

/// <summary>One silo's cache figures since it started.</summary>
/// <param name="Silo">The silo's address (<c>SiloAddress.ToParsableString()</c>).</param>
/// <param name="Name">The silo's name.</param>
/// <param name="StartedAt">When the silo started.</param>
/// <param name="CacheEntryActivations">Cache-entry grains active on the silo now.</param>
/// <param name="Counters">Counter totals by instrument name and tags, e.g. <c>orleanscache.cache.reads{result=hit}</c>.</param>
/// <param name="Histograms">Histogram summaries by instrument name and tags (milliseconds for durations).</param>
/// <param name="Error">Why the silo did not report (it did not answer in time); the figures are then empty.</param>
[GenerateSerializer, Immutable, Alias("oc.SiloStats")]
public sealed record SiloStats(
    [property: Id(0)] string Silo,
    [property: Id(1)] string? Name,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] int CacheEntryActivations,
    [property: Id(4)] IReadOnlyDictionary<string, double> Counters,
    [property: Id(5)] IReadOnlyDictionary<string, MetricSummary> Histograms,
    [property: Id(6)] string? Error);
