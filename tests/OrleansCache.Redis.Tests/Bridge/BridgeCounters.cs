using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansCache.Redis.Tests.Bridge;

/// <summary>
/// Adds up every silo's <c>OrleansCache.Redis</c> counters in this process (each silo has its own meter), by
/// instrument and tag values, so tests can wait for "both silos handled the message".
/// </summary>
public sealed class BridgeCounters : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();

    public BridgeCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "OrleansCache.Redis")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
            foreach (var tag in tags)
            {
                _totals.AddOrUpdate($"{instrument.Name}|{tag.Key}={tag.Value}", value, (_, total) => total + value);
            }
        });
        _listener.Start();
    }

    /// <summary>The total of <paramref name="instrument"/>, or of its measurements with one tag value (<c>path=canonical</c>).</summary>
    public long this[string instrument, string? tag = null] => _totals.GetValueOrDefault(tag is null ? instrument : $"{instrument}|{tag}");

    /// <summary>Every total, for a failing test's message.</summary>
    public override string ToString() => string.Join(Environment.NewLine, _totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} = {t.Value}"));

    public void Dispose() => _listener.Dispose();
}
