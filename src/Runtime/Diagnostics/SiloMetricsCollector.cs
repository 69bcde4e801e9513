using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansCache.Core.Management;

namespace OrleansCache.Runtime.Diagnostics;

/// <summary>
/// Keeps running totals of every OrleansCache instrument of this silo, for <c>/metrics</c>, the dashboard and the
/// management grain. Only instruments created through this silo's <see cref="IMeterFactory"/> are listened to, so the
/// silos of one process (the testing host) never mix their figures.
/// </summary>
internal sealed class SiloMetricsCollector : IDisposable
{
    /// <summary>Instruments whose meter name starts with this are collected.</summary>
    public const string MeterPrefix = "OrleansCache.";

    private readonly IMeterFactory _meterFactory;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregate> _instruments = new();
    private readonly TimeProvider _time;

    public SiloMetricsCollector(IMeterFactory meterFactory, TimeProvider time)
    {
        _meterFactory = meterFactory;
        _time = time;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished, MeasurementsCompleted = (i, _) => _instruments.TryRemove(i, out InstrumentAggregate? _) };
        _listener.SetMeasurementEventCallback<long>(static (i, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (i, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (i, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every series of every instrument, as of now.</summary>
    public IReadOnlyList<MetricSample> Collect()
    {
        // Observable instruments report only when asked.
        _listener.RecordObservableInstruments();
        return [.. _instruments.Values.OrderBy(a => a.Name, StringComparer.Ordinal).SelectMany(a => a.Samples())];
    }

    /// <summary>This silo's statistics, for the management grain.</summary>
    public SiloStatistics Snapshot(string address) => new() { Address = address, Timestamp = _time.GetUtcNow(), Metrics = Collect() };

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!ReferenceEquals(instrument.Meter.Scope, _meterFactory) || !instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var aggregate = _instruments.GetOrAdd(instrument, static i => new InstrumentAggregate(i));
        listener.EnableMeasurementEvents(instrument, aggregate);
    }
}
