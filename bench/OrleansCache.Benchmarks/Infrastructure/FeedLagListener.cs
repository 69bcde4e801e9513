using System.Diagnostics.Metrics;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>
/// Collects the clients' <c>orleanscache.client.invalidations.lag</c> measurements (from the feed grain stamping a batch to
/// a client receiving it) while it exists: with the writer's start and acknowledgement, it splits P4's latency into the
/// write path (write → feed) and the push (feed → client). Also counts the clients' partition resynchronizations by
/// reason (<c>orleanscache.client.revalidations</c>, the ones at subscription excepted): a resync is how a client learns
/// it missed invalidations, counted when it starts rather than when its revalidation ends.
/// </summary>
internal sealed class FeedLagListener : IDisposable
{
    private readonly MeterListener _listener = new();

    public FeedLagListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "OrleansCache.Client" && instrument.Name is "orleanscache.client.invalidations.lag" or "orleanscache.client.revalidations")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, milliseconds, _, _) => Lags.RecordMicroseconds(milliseconds * 1000));
        _listener.SetMeasurementEventCallback<long>((_, count, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason" && tag.Value is string reason && reason != "start")
                {
                    Resyncs.AddOrUpdate(reason, count, (_, total) => total + count);
                }
            }
        });
        _listener.Start();
    }

    public LatencyRecorder Lags { get; } = new();

    /// <summary>Resynchronizations started while listening, by reason (gap, silence, new_epoch...).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, long> Resyncs { get; } = new(StringComparer.Ordinal);

    public void Dispose() => _listener.Dispose();
}
