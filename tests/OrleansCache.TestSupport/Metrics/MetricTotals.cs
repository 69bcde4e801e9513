using System.Diagnostics.Metrics;

namespace OrleansCache.TestSupport.Metrics;

/// <summary>
/// Sums the counters of one meter, by instrument and by the values of one tag, and lets a test await a total: an event
/// to wait on, never a sleep. With <c>scopes</c>, only meters made by those meter factories count (the hosts of one
/// test's silos and clients), so tests running at the same time do not add to each other's totals.
/// </summary>
public sealed class MetricTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byTag = new(StringComparer.Ordinal);
    private readonly List<(string Instrument, Func<long, bool> Condition, TaskCompletionSource Signal)> _waiters = [];
    private readonly string? _tag;

    /// <param name="meterName">The meter to listen to, e.g. <c>OrleansCache.Redis</c>.</param>
    /// <param name="tag">A tag whose values are also totalled (e.g. <c>reason</c>), or null.</param>
    public MetricTotals(string meterName, string? tag = null, IEnumerable<object?>? scopes = null)
    {
        _tag = tag;
        var only = scopes?.Where(s => s is not null).ToHashSet();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && (only is null || (instrument.Meter.Scope is { } scope && only.Contains(scope))))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.Start();
    }

    /// <summary>The totals of <c>tag</c>'s values, across the meter's instruments.</summary>
    public Dictionary<string, long> ByTag
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, long>(_byTag, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The total of one instrument so far.</summary>
    public long Get(string instrument)
    {
        lock (_lock)
        {
            return _totals.GetValueOrDefault(instrument);
        }
    }

    /// <summary>Completes when <paramref name="instrument"/>'s total reaches <paramref name="target"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/> (default 2 minutes).</exception>
    public Task WhenAsync(string instrument, long target, TimeSpan? timeout = null) => WhenAsync(instrument, total => total >= target, timeout);

    /// <summary>
    /// Completes when <paramref name="instrument"/>'s total satisfies <paramref name="condition"/> (e.g. an up-down
    /// counter falling back to where it was).
    /// </summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/> (default 2 minutes).</exception>
    public Task WhenAsync(string instrument, Func<long, bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        lock (_lock)
        {
            if (condition(_totals.GetValueOrDefault(instrument)))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((instrument, condition, signal));
            return signal.Task.WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
        }
    }

    /// <summary>The tag totals as <c>a=1, b=2</c>, for diagnostics.</summary>
    public string DescribeByTag() => string.Join(", ", ByTag.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}"));

    public void Dispose() => _listener.Dispose();

    private void Record(string instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? tagValue = null;
        foreach (var tag in tags)
        {
            if (tag.Key == _tag)
            {
                tagValue = tag.Value?.ToString();
            }
        }

        lock (_lock)
        {
            var total = _totals[instrument] = _totals.GetValueOrDefault(instrument) + value;
            if (tagValue is not null)
            {
                _byTag[tagValue] = _byTag.GetValueOrDefault(tagValue) + value;
            }

            foreach (var waiter in _waiters.Where(w => w.Instrument == instrument && w.Condition(total)).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}
