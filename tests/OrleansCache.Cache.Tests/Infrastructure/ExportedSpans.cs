using System.Collections;
using System.Diagnostics;

namespace OrleansCache.Cache.Tests.Infrastructure;

/// <summary>
/// Where OpenTelemetry's in-memory exporter puts spans: it adds from whichever thread ends a span (every test's, as
/// tracer providers listen process-wide) while the test reads, so adds and reads take a lock and reads are snapshots.
/// </summary>
internal sealed class ExportedSpans : ICollection<Activity>
{
    private readonly Lock _lock = new();
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    /// <summary>The spans of one trace exported so far.</summary>
    public List<Activity> Of(ActivityTraceId trace)
    {
        lock (_lock)
        {
            return [.. _spans.Where(s => s.TraceId == trace)];
        }
    }

    public void Add(Activity item)
    {
        lock (_lock)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item)
    {
        lock (_lock)
        {
            return _spans.Contains(item);
        }
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_lock)
        {
            _spans.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(Activity item)
    {
        lock (_lock)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator()
    {
        lock (_lock)
        {
            return _spans.ToList().GetEnumerator();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
