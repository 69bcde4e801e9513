using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Management;

/// <summary>Reports for silos whose figures are missing.</summary>
internal static class SiloStatsReports
{
    private static readonly IReadOnlyDictionary<string, double> NoCounters = new Dictionary<string, double>(StringComparer.Ordinal);
    private static readonly IReadOnlyDictionary<string, MetricSummary> NoHistograms = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);

    public static SiloStats Missing(string silo, string? name, string error) =>
        new(silo, name, DateTimeOffset.MinValue, 0, NoCounters, NoHistograms, error);
}
