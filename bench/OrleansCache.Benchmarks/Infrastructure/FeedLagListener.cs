using System.Diagnostics.Metrics;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>
/// Collects the clients' <c>orleanscache.client.invalidations.lag</c> measurements (from the feed grain stamping a batch to
/// a client receiving it) while it exists: with the writer's start and acknowledgement, it splits P4's latency into the
/// write path (write → feed) and the push (feed → client).
/// </summary>
internal sealed class FeedLagListener : IDisposable
{
    private readonly MeterListener _listener = new();

    public FeedLagListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "OrleansCache.Client" && instrument.Name == "orleanscache.client.invalidations.lag")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, milliseconds, _, _) => Lags.RecordMicroseconds(milliseconds * 1000));
        _listener.Start();
    }

    public LatencyRecorder Lags { get; } = new();

    public void Dispose() => _listener.Dispose();
}
