using System.Collections.Concurrent;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.NearCaching;

/// <summary>
/// The client's local copies of cache entries, bounded by count (least recently used evicted first) and by time to live,
/// and never holding a version older than one an invalidation announced.
/// </summary>
/// <remarks>
/// Reads take no lock. Everything that can make an entry stale (fills, invalidations, distrust) runs under one lock,
/// so a fill and an invalidation of the same key can never interleave to leave an old value behind.
/// <para>
/// Trust is kept per partition (<see cref="CachePartitions"/>): when the client may have missed invalidations of a
/// partition (a gap in its feed, a new feed epoch, silence, a lost gateway or cluster connection),
/// <see cref="Distrust"/> starts a new trust epoch for it; entries of older epochs are not served until
/// <see cref="Confirm"/> finds them current, or they are dropped.
/// </para>
/// </remarks>
internal sealed class NearCache
{
    private readonly ConcurrentDictionary<string, NearCacheEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FillTicket>> _fills = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly NearCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly long _defaultTtlTicks;
    private readonly long _accessResolutionTicks;
    private readonly long[] _trustEpochs = new long[CachePartitions.Count];
    private int _evicting;

    public NearCache(NearCacheOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _defaultTtlTicks = (long)(options.DefaultTtl.TotalSeconds * time.TimestampFrequency);
        // LRU order needs no finer clock than this; writing the access time on every hit would make threads reading
        // the same hot entry fight over its cache line.
        _accessResolutionTicks = time.TimestampFrequency / 10;
    }

    /// <summary>Raised after entries were evicted for room or expiry (count).</summary>
    public event Action<int>? Evicted;

    public int Count => _entries.Count;

    /// <summary>The current trust epoch of <paramref name="partition"/>.</summary>
    public long TrustEpoch(int partition) => Volatile.Read(ref _trustEpochs[partition]);

    /// <summary>A current, trusted, unexpired entry, or false. The hot path: no lock, no allocation.</summary>
    public bool TryGet(string key, out NearCacheEntry entry)
    {
        if (!_entries.TryGetValue(key, out entry!))
        {
            return false;
        }

        var now = _time.GetTimestamp();
        if (now >= entry.ExpiresAtTimestamp)
        {
            if (_entries.TryRemove(new KeyValuePair<string, NearCacheEntry>(key, entry)))
            {
                Evicted?.Invoke(1);
            }

            return false;
        }

        if (entry.TrustEpoch != Volatile.Read(ref _trustEpochs[entry.Partition]))
        {
            return false;
        }

        if (now - entry.LastAccess > _accessResolutionTicks)
        {
            entry.LastAccess = now;
        }

        return true;
    }

    /// <summary>The entry whatever its trust or expiry (diagnostics and tests).</summary>
    public bool TryPeek(string key, out NearCacheEntry entry) => _entries.TryGetValue(key, out entry!);

    /// <summary>
    /// Registers a remote read or write of <paramref name="key"/> that is about to start; its result stays at most
    /// <paramref name="localTtl"/> (if given) besides the near-cache's own limits.
    /// </summary>
    public FillTicket BeginFill(string key, TimeSpan? localTtl = null)
    {
        var ticket = new FillTicket(key, CachePartitions.Of(key), localTtl);
        lock (_lock)
        {
            if (!_fills.TryGetValue(key, out var tickets))
            {
                _fills[key] = tickets = [];
            }

            tickets.Add(ticket);
        }

        return ticket;
    }

    /// <summary>
    /// Ends a fill with what the cluster returned. A value is inserted if no invalidation overtook it and nothing newer is
    /// held; a missing entry removes older copies. Returns the inserted entry, or null.
    /// </summary>
    public NearCacheEntry? CompleteFill(FillTicket ticket, CacheEntry result, TypedValue? typed = null)
    {
        lock (_lock)
        {
            RemoveTicket(ticket);

            // The key is at this version or later: fills still in flight must not insert anything older, and reads
            // that begin from now on must not share their (possibly older) results.
            RaiseTickets(ticket.Key, result.Version);
            if (result.Version < ticket.MinVersion)
            {
                // Not inserted (an invalidation or a resync overtook it), but the cluster was at this version or later:
                // a copy older than it must not be confirmed back into service by a revalidation answered earlier.
                DropOlderThan(ticket.Key, result.Version);
                return null;
            }

            if (!result.Found)
            {
                DropOlderThan(ticket.Key, result.Version);
                return null;
            }

            // Most entries have no tags: share one empty list rather than keep the one each response decoded. A response
            // whose tags decoded as null (a mutated result, found by the gateway fuzzer) has none either.
            var tags = result.Tags is not { Count: > 0 } ? [] : result.Tags;
            var entry = new NearCacheEntry(ticket.Key, ticket.Partition, result.Value!, result.Version, ExpiresAt(result.ExpiresAt, ticket.LocalTtl), tags, _trustEpochs[ticket.Partition]) { Typed = typed, LastAccess = _time.GetTimestamp() };
            var stored = _entries.AddOrUpdate(ticket.Key, entry, (_, current) => current.Version > entry.Version ? current : entry);
            if (!ReferenceEquals(stored, entry))
            {
                return null;
            }
        }

        EvictIfFull();
        return _entries.TryGetValue(ticket.Key, out var inserted) ? inserted : null;
    }

    /// <summary>Makes a fill insert nothing (its result cannot be trusted: its partition's feed is not live).</summary>
    public void VoidFill(FillTicket ticket)
    {
        lock (_lock)
        {
            ticket.MinVersion = CacheVersion.Max;
        }
    }

    /// <summary>Ends a fill that failed: nothing is inserted.</summary>
    public void AbandonFill(FillTicket ticket)
    {
        lock (_lock)
        {
            RemoveTicket(ticket);
        }
    }

    /// <summary>The key changed to <paramref name="version"/>: drop older copies, and make fills in flight refuse older results.</summary>
    public int Invalidate(string key, CacheVersion version)
    {
        lock (_lock)
        {
            RaiseTickets(key, version);
            return DropOlderThan(key, version) ? 1 : 0;
        }
    }

    /// <summary>
    /// True once something told of a change to the ticket's key since it began (an invalidation, a resync, another
    /// fill's result): its result may be older than what the client knows now, so a new caller must not share it.
    /// </summary>
    public bool IsOvertaken(FillTicket ticket)
    {
        lock (_lock)
        {
            return ticket.MinVersion != CacheVersion.None;
        }
    }

    /// <summary>Drops every entry that matches, and voids fills in flight that <paramref name="mayMatch"/> cannot rule out.</summary>
    public int InvalidateWhere(Func<NearCacheEntry, bool> matches, Func<string, bool> mayMatch)
    {
        lock (_lock)
        {
            foreach (var (key, tickets) in _fills)
            {
                if (mayMatch(key))
                {
                    foreach (var ticket in tickets)
                    {
                        ticket.MinVersion = CacheVersion.Max;
                    }
                }
            }

            var dropped = 0;
            foreach (var entry in _entries.Values)
            {
                if (matches(entry) && _entries.TryRemove(new KeyValuePair<string, NearCacheEntry>(entry.Key, entry)))
                {
                    dropped++;
                }
            }

            return dropped;
        }
    }

    /// <summary>
    /// Invalidations of <paramref name="partition"/> may have been missed: stop serving its entries until
    /// <see cref="Confirm"/> vouches for them, and void its fills in flight. Returns the new epoch and the entries to check.
    /// </summary>
    public (long Epoch, List<KeyValuePair<string, CacheVersion>> Entries) Distrust(int partition)
    {
        lock (_lock)
        {
            var epoch = ++_trustEpochs[partition];
            foreach (var tickets in _fills.Values)
            {
                foreach (var ticket in tickets)
                {
                    if (ticket.Partition == partition)
                    {
                        ticket.MinVersion = CacheVersion.Max;
                    }
                }
            }

            return (epoch, [.. _entries.Values.Where(e => e.Partition == partition).Select(e => new KeyValuePair<string, CacheVersion>(e.Key, e.Version))]);
        }
    }

    /// <summary>Drops every entry of <paramref name="partition"/> (and voids its fills); returns how many were dropped.</summary>
    public int DropPartition(int partition) =>
        InvalidateWhere(e => e.Partition == partition, key => CachePartitions.Of(key) == partition);

    /// <summary>True while no <see cref="Distrust"/> of <paramref name="partition"/> came after the one that returned <paramref name="epoch"/>.</summary>
    public bool IsTrustEpoch(int partition, long epoch)
    {
        lock (_lock)
        {
            return _trustEpochs[partition] == epoch;
        }
    }

    /// <summary>The cluster says <paramref name="key"/> is at <paramref name="current"/>: trust a copy of that version again, drop an older one.</summary>
    /// <returns>True if the copy was kept.</returns>
    public bool Confirm(string key, CacheVersion current, long epoch)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry) || epoch != _trustEpochs[entry.Partition])
            {
                return false;
            }

            if (entry.Version == current)
            {
                entry.TrustEpoch = epoch;
                return true;
            }

            if (entry.Version < current)
            {
                _entries.TryRemove(new KeyValuePair<string, NearCacheEntry>(key, entry));
            }

            return false;
        }
    }

    private bool DropOlderThan(string key, CacheVersion version) =>
        _entries.TryGetValue(key, out var entry) && entry.Version < version && _entries.TryRemove(new KeyValuePair<string, NearCacheEntry>(key, entry));

    private void RaiseTickets(string key, CacheVersion version)
    {
        if (_fills.TryGetValue(key, out var tickets))
        {
            foreach (var ticket in tickets)
            {
                ticket.MinVersion = CacheVersion.Later(ticket.MinVersion, version);
            }
        }
    }

    private void RemoveTicket(FillTicket ticket)
    {
        if (_fills.TryGetValue(ticket.Key, out var tickets) && tickets.Remove(ticket) && tickets.Count == 0)
        {
            _fills.Remove(ticket.Key);
        }
    }

    private long ExpiresAt(DateTimeOffset? clusterExpiry, TimeSpan? localTtl)
    {
        var now = _time.GetTimestamp();
        var ttl = _defaultTtlTicks;
        if (localTtl is { } local)
        {
            ttl = Math.Min(ttl, Math.Max(0, (long)(local.TotalSeconds * _time.TimestampFrequency)));
        }

        if (clusterExpiry is { } expiry)
        {
            var remaining = expiry - _time.GetUtcNow();
            ttl = Math.Min(ttl, Math.Max(0, (long)(remaining.TotalSeconds * _time.TimestampFrequency)));
        }

        return now + ttl;
    }

    private void EvictIfFull()
    {
        if (_entries.Count <= _options.MaxEntries || Interlocked.Exchange(ref _evicting, 1) != 0)
        {
            return;
        }

        try
        {
            // Amortized: evict a twentieth of the capacity at once, least recently used first.
            var excess = _entries.Count - _options.MaxEntries + Math.Max(1, _options.MaxEntries / 20);
            var victims = _entries.Values.OrderBy(e => e.LastAccess).Take(excess).ToList();
            var evicted = victims.Count(v => _entries.TryRemove(new KeyValuePair<string, NearCacheEntry>(v.Key, v)));
            Evicted?.Invoke(evicted);
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }
}
