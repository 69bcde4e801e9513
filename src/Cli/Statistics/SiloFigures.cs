namespace OrleansCache.Cli.Statistics;

/// <summary>
/// What <c>stats</c> shows of one silo, or of the whole cluster (<c>Silo</c> "total"). <c>Error</c> says why a silo's
/// figures are missing (it did not answer), or is null.
/// </summary>
internal sealed record SiloFigures(
    string Silo,
    long ReadHits,
    long ReadMisses,
    double? HitRatio,
    long InvalidationsPublished,
    long InvalidationsPushed,
    long CallsHandled,
    double? CallP50Ms,
    double? CallP90Ms,
    double? CallP99Ms,
    string? Error = null);
