using OrleansCache.Core.Management;

namespace OrleansCache.Runtime.Http;

/// <summary>
/// One silo's running totals for the dashboard, summed over tags. The browser turns successive totals into rates and
/// successive histograms into latencies over the interval.
/// </summary>
internal sealed record SiloOverview
{
    public required string Address { get; init; }

    /// <summary>Why the silo's figures are missing, or null.</summary>
    public string? Error { get; init; }

    public double Activations { get; init; }

    public double CallsHandled { get; init; }

    public double CallsForwarded { get; init; }

    public double InvalidationsPublished { get; init; }

    public double InvalidationsReceived { get; init; }

    public double InvalidationsPushed { get; init; }

    public double BridgeAccepted { get; init; }

    public double BridgeRejected { get; init; }

    public double FramesRejected { get; init; }

    public double ConnectionsOpen { get; init; }

    /// <summary>Owner change to gateway push, in milliseconds, since the silo started.</summary>
    public HistogramSample? FanoutLatency { get; init; }

    /// <summary>Grain call durations, in milliseconds, since the silo started.</summary>
    public HistogramSample? CallLatency { get; init; }

    /// <summary>Sums a silo's series into the figures the dashboard draws.</summary>
    public static SiloOverview From(SiloStatistics statistics) => new()
    {
        Address = statistics.Address,
        Error = statistics.Error,
        Activations = statistics.Total("orleanscache.activations.live"),
        CallsHandled = statistics.Total("orleanscache.calls.handled"),
        CallsForwarded = statistics.Total("orleanscache.calls.forwarded"),
        InvalidationsPublished = statistics.Total("orleanscache.cache.invalidations.published"),
        InvalidationsReceived = statistics.Total("orleanscache.cache.invalidations.received"),
        InvalidationsPushed = statistics.Total("orleanscache.cache.invalidations.pushed"),
        BridgeAccepted = statistics.Total("orleanscache.bridge.messages.accepted"),
        BridgeRejected = statistics.Total("orleanscache.bridge.messages.rejected"),
        FramesRejected = statistics.Total("orleanscache.frames.rejected"),
        ConnectionsOpen = statistics.Total("orleanscache.connections.open"),
        FanoutLatency = Merge(statistics, "orleanscache.cache.invalidations.fanout.duration"),
        CallLatency = Merge(statistics, "orleanscache.calls.duration"),
    };

    private static HistogramSample? Merge(SiloStatistics statistics, string name)
    {
        var series = statistics.Metrics.Where(m => string.Equals(m.Name, name, StringComparison.Ordinal) && m.Histogram is not null).Select(m => m.Histogram!).ToList();
        if (series.Count == 0)
        {
            return null;
        }

        // Every series of one silo has the same buckets; the filter only guards against a malformed answer.
        series = [.. series.Where(h => h.Counts.Count == series[0].Counts.Count)];
        var counts = new long[series[0].Counts.Count];
        foreach (var histogram in series)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] += histogram.Counts[i];
            }
        }

        return new HistogramSample { Bounds = series[0].Bounds, Counts = counts, Count = counts.Sum(), Sum = series.Sum(h => h.Sum) };
    }
}
