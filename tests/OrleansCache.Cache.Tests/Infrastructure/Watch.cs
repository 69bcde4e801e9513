using OrleansCache.Client;

namespace OrleansCache.Cache.Tests.Infrastructure;

/// <summary>Waits for a client's events: subscribe first, act, then await the event (with a timeout, never a sleep).</summary>
internal sealed class Watch : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly IOrleansCache _cache;
    private readonly Lock _lock = new();
    private readonly List<CacheInvalidatedEventArgs> _seen = [];
    private readonly List<(Func<CacheInvalidatedEventArgs, bool> Match, TaskCompletionSource<CacheInvalidatedEventArgs> Signal)> _waiters = [];

    public Watch(IOrleansCache cache)
    {
        _cache = cache;
        _cache.Invalidated += OnInvalidated;
    }

    /// <summary>Completes with the first event (seen since this watch began) that matches.</summary>
    public Task<CacheInvalidatedEventArgs> ForAsync(Func<CacheInvalidatedEventArgs, bool> match)
    {
        lock (_lock)
        {
            var already = _seen.FirstOrDefault(match);
            if (already is not null)
            {
                return Task.FromResult(already);
            }

            var signal = new TaskCompletionSource<CacheInvalidatedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, signal));
            return signal.Task.WaitAsync(Timeout);
        }
    }

    /// <summary>True if an event that matches was seen since this watch began.</summary>
    public bool Saw(Func<CacheInvalidatedEventArgs, bool> match)
    {
        lock (_lock)
        {
            return _seen.Any(match);
        }
    }

    /// <summary>How many events that match were seen since this watch began.</summary>
    public int Count(Func<CacheInvalidatedEventArgs, bool> match)
    {
        lock (_lock)
        {
            return _seen.Count(match);
        }
    }

    public Task<CacheInvalidatedEventArgs> ForKeyAsync(string key) => ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == key);

    public Task<CacheInvalidatedEventArgs> ForResyncAsync() => ForAsync(e => e.Kind == CacheInvalidationKind.Resync);

    public void Dispose() => _cache.Invalidated -= OnInvalidated;

    private void OnInvalidated(object? sender, CacheInvalidatedEventArgs e)
    {
        List<TaskCompletionSource<CacheInvalidatedEventArgs>> ready;
        lock (_lock)
        {
            _seen.Add(e);
            ready = [.. _waiters.Where(w => w.Match(e)).Select(w => w.Signal)];
            _waiters.RemoveAll(w => ready.Contains(w.Signal));
        }

        foreach (var signal in ready)
        {
            signal.TrySetResult(e);
        }
    }
}
