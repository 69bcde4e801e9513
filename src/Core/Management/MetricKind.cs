using System.Text.Json.Serialization;

namespace OrleansCache.Core.Management;

/// <summary>What a <see cref="MetricSample"/>'s value means.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MetricKind>))]
public enum MetricKind
{
    /// <summary>A total that only grows, since the silo started.</summary>
    Counter,

    /// <summary>A total that grows and shrinks (e.g. live activations).</summary>
    UpDownCounter,

    /// <summary>The last observed value.</summary>
    Gauge,

    /// <summary>A distribution; see <see cref="MetricSample.Histogram"/>.</summary>
    Histogram,
}
