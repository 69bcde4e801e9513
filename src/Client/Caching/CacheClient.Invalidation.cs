using OrleansCache.Client.Diagnostics;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Caching;

/// <summary>Applying invalidations to the near-cache, whether pushed by a feed or made by this client.</summary>
internal sealed partial class CacheClient
{
    /// <summary>Raised after each partition's revalidation with the entries kept and dropped (tests and diagnostics).</summary>
    internal event Action<int, int>? Revalidated;

    /// <summary>Completes after the next revalidation of any partition that held entries (tests).</summary>
    internal Task NextRevalidation()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRevalidated(int kept, int dropped)
        {
            Revalidated -= OnRevalidated;
            done.TrySetResult();
        }

        Revalidated += OnRevalidated;
        return done.Task;
    }

    /// <summary>Applies one invalidation from a feed.</summary>
    private void Apply(Invalidation item)
    {
        using var activity = OrleansCacheTelemetry.StartApply(item.TraceParent, item.Kind.ToString());
        switch (item.Kind)
        {
            case InvalidationKind.Key:
                ApplyKey(item.Target!, item.Version);
                break;
            case InvalidationKind.Pattern:
                ApplyPattern(item.Target!);
                break;
            case InvalidationKind.Tag:
                ApplyTag(item.Target!);
                break;
            case InvalidationKind.All:
                ApplyAll();
                break;
        }
    }

    private void ApplyKey(string key, CacheVersion version)
    {
        var dropped = _near.Invalidate(key, version);
        _metrics.InvalidationReceived(dropped > 0);
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.Key, key, dropped, version));
    }

    private void ApplyPattern(string pattern)
    {
        var dropped = _near.InvalidateWhere(e => GlobPattern.IsMatch(pattern, e.Key), key => GlobPattern.IsMatch(pattern, key));
        _metrics.InvalidationReceived(dropped > 0);
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.Pattern, pattern, dropped));
    }

    private void ApplyTag(string tag)
    {
        // A fill in flight does not know its tags yet, so every fill is voided.
        var dropped = _near.InvalidateWhere(e => e.Tags.Contains(tag, StringComparer.Ordinal), _ => true);
        _metrics.InvalidationReceived(dropped > 0);
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.Tag, tag, dropped));
    }

    private void ApplyAll()
    {
        var dropped = _near.InvalidateWhere(_ => true, _ => true);
        _metrics.InvalidationReceived(dropped > 0);
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.All, null, dropped));
    }

    private void OnRevalidated(int partition, int kept, int dropped)
    {
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.Resync, null, dropped));
        Revalidated?.Invoke(kept, dropped);
    }
}
