using OrleansCache.Client;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>
/// Completes when a client applies an invalidation that matches (subscribe before acting). Unsubscribes when disposed,
/// so watches on a shared client do not pile up.
/// </summary>
internal sealed class InvalidationWatch : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly IOrleansCache _cache;
    private readonly Func<CacheInvalidatedEventArgs, bool> _match;
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private InvalidationWatch(IOrleansCache cache, Func<CacheInvalidatedEventArgs, bool> match)
    {
        _cache = cache;
        _match = match;
        cache.Invalidated += OnInvalidated;
    }

    /// <summary>Completes once the client drops its copy of <paramref name="key"/>.</summary>
    public static InvalidationWatch Dropped(IOrleansCache cache, string key) =>
        new(cache, e => e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped > 0);

    /// <summary>Completes on the first invalidation of <paramref name="kind"/> (and <paramref name="target"/>, if given).</summary>
    public static InvalidationWatch Of(IOrleansCache cache, CacheInvalidationKind kind, string? target = null) =>
        new(cache, e => e.Kind == kind && (target is null || e.Target == target));

    public Task Seen => _seen.Task.WaitAsync(Timeout);

    public void Dispose() => _cache.Invalidated -= OnInvalidated;

    private void OnInvalidated(object? sender, CacheInvalidatedEventArgs e)
    {
        if (_match(e))
        {
            _seen.TrySetResult();
        }
    }
}
