namespace OrleansCache.Grains.Invalidation;

/// <summary>
/// What a gateway knows about one client for invalidations: the keys it may hold (those it touched through this
/// gateway), the prefixes it subscribed to, and the sequence number of the last push.
/// </summary>
/// <remarks>All members are used under <see cref="Lock"/>, which also keeps pushes to the client in sequence order.</remarks>
internal sealed class ClientTracking
{
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private string[] _prefixes = [];

    public Lock Lock { get; } = new();

    public ulong Sequence { get; set; }

    public int TrackedCount => _keys.Count;

    public IReadOnlyList<string> Prefixes => _prefixes;

    /// <summary>Tracks <paramref name="key"/>; returns the keys evicted to stay within <paramref name="limit"/>.</summary>
    public List<string>? Track(string key, int limit)
    {
        if (!_keys.Add(key))
        {
            return null;
        }

        _order.Enqueue(key);
        if (_keys.Count <= limit)
        {
            return null;
        }

        // Evict the earliest-tracked keys, a hundredth of the limit at a time.
        var evicted = new List<string>();
        var target = limit - Math.Max(1, limit / 100);
        while (_keys.Count > target && _order.TryDequeue(out var oldest))
        {
            if (_keys.Remove(oldest))
            {
                evicted.Add(oldest);
            }
        }

        return evicted;
    }

    public bool IsTracked(string key) => _keys.Contains(key);

    public void Subscribe(IEnumerable<string> prefixes) =>
        _prefixes = [.. _prefixes.Concat(prefixes).Distinct(StringComparer.Ordinal)];

    public bool MatchesPrefix(string key)
    {
        foreach (var prefix in _prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
