namespace OrleansCache.Core.Management;

/// <summary>One series of one instrument: its name, its tags, and its value at the moment of the snapshot.</summary>
public sealed record MetricSample
{
    /// <summary>The instrument's name, e.g. <c>orleanscache.calls.handled</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The instrument's unit (e.g. <c>ms</c>), or null.</summary>
    public string? Unit { get; init; }

    /// <summary>The instrument's description, or null.</summary>
    public string? Description { get; init; }

    /// <summary>How to read <see cref="Value"/>.</summary>
    public MetricKind Kind { get; init; }

    /// <summary>The series' tags (e.g. <c>reason=auth</c>); empty for an untagged instrument.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The total (counters), the last value (gauges), or the sum of the recorded values (histograms).</summary>
    public double Value { get; init; }

    /// <summary>The distribution of a histogram; null for the other kinds.</summary>
    public HistogramSample? Histogram { get; init; }
}
