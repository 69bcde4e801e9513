namespace OrleansCache.Core.Management;

/// <summary>One silo's metrics at one moment.</summary>
public sealed record SiloStatistics
{
    /// <summary>The silo's address, <c>host:port@generation</c>.</summary>
    public required string Address { get; init; }

    /// <summary>When the silo took the snapshot, by its own clock.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Every series of every OrleansCache instrument on the silo; empty when <see cref="Error"/> is set.</summary>
    public IReadOnlyList<MetricSample> Metrics { get; init; } = [];

    /// <summary>Why the silo's metrics are missing (it did not answer in time), or null.</summary>
    public string? Error { get; init; }

    /// <summary>The sum over every series of the counter <paramref name="name"/> (0 when it has none).</summary>
    public double Total(string name) => Metrics.Where(m => string.Equals(m.Name, name, StringComparison.Ordinal)).Sum(m => m.Value);
}
