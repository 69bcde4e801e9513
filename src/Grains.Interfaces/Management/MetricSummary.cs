namespace OrleansCache.Grains.Interfaces;

/// <summary>A histogram's figures: how many values, their sum, and percentiles.</summary>
[GenerateSerializer, Immutable, Alias("oc.MetricSummary")]
public sealed record MetricSummary(
    [property: Id(0)] long Count,
    [property: Id(1)] double Sum,
    [property: Id(2)] double P50,
    [property: Id(3)] double P90,
    [property: Id(4)] double P99);
