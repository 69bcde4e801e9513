using System.Diagnostics.Metrics;
using OrleansCache.Client.Diagnostics;

namespace OrleansCache.Cli.Watching;

/// <summary>
/// Tells when the tool's cache client may have missed invalidations (a gap or new epoch in a feed, silence, a lost
/// gateway or connection): it listens to the client's own <c>orleanscache.client.revalidations</c> counter (see
/// docs/metrics.md), which the client records whenever a partition resynchronizes. A watch holds no entries, so no
/// revalidation event reaches <c>IOrleansCache.Invalidated</c>; the counter is recorded all the same.
/// </summary>
/// <remarks>
/// Only the meters of the tool's own client host (its <see cref="IMeterFactory"/>) are listened to: tests run many clients
/// in one process. A reason is reported at most once a second: a lost gateway resynchronizes every partition at once.
/// </remarks>
internal sealed class ResyncListener : IDisposable
{
    /// <summary>The client's counter of partition resynchronizations, tagged with the reason.</summary>
    public const string InstrumentName = "orleanscache.client.revalidations";

    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private readonly MeterListener _listener = new();
    private readonly Action<string> _onResync;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, long> _lastReported = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ResyncListener(IMeterFactory scope, Action<string> onResync, TimeProvider time)
    {
        _onResync = onResync;
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope)
                && string.Equals(instrument.Meter.Name, CacheClientMetrics.MeterName, StringComparison.Ordinal)
                && string.Equals(instrument.Name, InstrumentName, StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) => OnMeasurement(tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? reason = null;
        foreach (var tag in tags)
        {
            if (string.Equals(tag.Key, "reason", StringComparison.Ordinal))
            {
                reason = tag.Value as string;
            }
        }

        // The first subscription of each partition is no loss.
        if (reason is null or "start")
        {
            return;
        }

        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_lastReported.TryGetValue(reason, out var last) && _time.GetElapsedTime(last, now) < Quiet)
            {
                return;
            }

            _lastReported[reason] = now;
        }

        _onResync(reason);
    }
}
