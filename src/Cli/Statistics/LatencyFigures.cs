namespace OrleansCache.Cli.Statistics;

/// <summary>
/// A latency histogram's figures in milliseconds. Percentiles come from one silo's summary and cannot be merged across
/// silos, so a total has the count and the mean only.
/// </summary>
internal sealed record LatencyFigures(long Count, double? MeanMs, double? P50Ms, double? P90Ms, double? P99Ms)
{
    public static readonly LatencyFigures None = new(0, null, null, null, null);
}
