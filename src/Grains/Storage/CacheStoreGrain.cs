using Microsoft.Extensions.Options;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Placement;

namespace OrleansCache.Grains.Storage;

/// <summary>
/// In-memory storage of one partition: values with their ETags, and for every key the latest activation epoch it
/// issued, so a late change from an older activation is refused (G1) and versions only grow (G2).
/// </summary>
/// <remarks>
/// <para>
/// Epochs: the era is the cluster's membership version when this store activated, read fresh from the membership
/// table. A store is lost only with its silo (it is never collected while idle), and that silo's death or departure is
/// written to the table before Orleans lets the store activate elsewhere, so a new store's era is greater than the
/// old one's. Within an era, sequences start at this silo's clock in microseconds, so even a store reactivated without a
/// membership change (none is expected) issues greater epochs than its predecessor (docs/adr/0042).
/// </para>
/// <para>
/// Bounded: past <see cref="CacheSiloOptions.InMemoryMaxEntries"/> (shared out over the partitions) the least recently
/// used values go; fences of keys without a value are kept for <see cref="CacheSiloOptions.FenceRetention"/>. Whatever
/// is dropped raises the store's floor: a change to a key the store no longer remembers is accepted only from an epoch
/// at or above the floor, so forgetting never lets an old activation back in.
/// </para>
/// </remarks>
[GrainType(CacheGrainTypes.StoreName), CachePartitionPlacement, CollectionAgeLimit(AlwaysActive = true)]
internal sealed class CacheStoreGrain : Grain, ICacheStoreGrain
{
    private readonly Dictionary<string, Record> _records = new(StringComparer.Ordinal);
    private readonly IClusterMembershipService _membership;
    private readonly TimeProvider _time;
    private readonly CacheSiloOptions _options;
    private readonly int _maxEntries;
    private long _era;
    private long _sequence;
    private long _etags;
    private int _entries;
    private ActivationEpoch _floor;

    public CacheStoreGrain(IClusterMembershipService membership, TimeProvider time, IOptions<CacheSiloOptions> options)
    {
        _membership = membership;
        _time = time;
        _options = options.Value;
        _maxEntries = Math.Max(1, _options.InMemoryMaxEntries / CachePartitions.Count);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _membership.Refresh(default, cancellationToken);
        _era = _membership.CurrentSnapshot.Version.Value;
        _sequence = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        _floor = new ActivationEpoch(_era, _sequence);
        this.RegisterGrainTimer(Sweep, new GrainTimerCreationOptions(_options.ExpirySweepInterval, _options.ExpirySweepInterval) { Interleave = true });
    }

    public Task<CacheEntryClaim> ClaimAsync(string key)
    {
        if (!_records.TryGetValue(key, out var record))
        {
            _records[key] = record = new Record();
        }

        record.Fence = new ActivationEpoch(_era, ++_sequence);
        record.LastUsed = _time.GetTimestamp();
        if (record.Entry is { ExpiresAt: { } expiresAt } && expiresAt <= _time.GetUtcNow())
        {
            Forget(record);
        }

        return Task.FromResult(new CacheEntryClaim(record.Fence, record.Entry, record.ETag));
    }

    public Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, ActivationEpoch writer)
    {
        var record = Admit(key, expectedETag, writer);
        if (record.Entry is null)
        {
            _entries++;
        }

        record.Entry = entry;
        record.ETag = $"{_era}-{++_etags}";
        record.LastUsed = _time.GetTimestamp();
        EvictIfFull();
        return Task.FromResult(record.ETag);
    }

    public Task DeleteAsync(string key, string? expectedETag, ActivationEpoch writer)
    {
        var record = Admit(key, expectedETag, writer);
        Forget(record);
        record.LastUsed = _time.GetTimestamp();
        return Task.CompletedTask;
    }

    public Task<string[]> FindKeysAsync(string? pattern, string? tag)
    {
        var now = _time.GetUtcNow();
        var prefix = pattern is null ? null : GlobPattern.LiteralPrefix(pattern);
        var keys = new List<string>();
        foreach (var (key, record) in _records)
        {
            if (record.Entry is not { } entry || entry.ExpiresAt <= now)
            {
                continue;
            }

            var matches = pattern is not null
                ? key.StartsWith(prefix!, StringComparison.Ordinal) && GlobPattern.IsMatch(pattern, key)
                : entry.Tags.Contains(tag!, StringComparer.Ordinal);
            if (matches)
            {
                keys.Add(key);
            }
        }

        return Task.FromResult(keys.ToArray());
    }

    /// <summary>The record a change may apply to, or a conflict if an older activation or a stale ETag sent it.</summary>
    private Record Admit(string key, string? expectedETag, ActivationEpoch writer)
    {
        if (!_records.TryGetValue(key, out var record))
        {
            // Forgotten, or never claimed from this store: only an activation at or above the floor may create it.
            if (writer < _floor || expectedETag is not null)
            {
                throw Conflict(key);
            }

            _records[key] = record = new Record { Fence = writer };
        }

        if (record.Fence > writer || !string.Equals(record.ETag, expectedETag, StringComparison.Ordinal))
        {
            throw Conflict(key);
        }

        return record;
    }

    private static CacheStorageConflictException Conflict(string key) =>
        new($"A newer activation of '{key}' has claimed or changed it; this change was refused.");

    private void Forget(Record record)
    {
        if (record.Entry is not null)
        {
            _entries--;
        }

        record.Entry = null;
        record.ETag = null;
    }

    private Task Sweep(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var stamp = _time.GetTimestamp();
        List<string>? gone = null;
        foreach (var (key, record) in _records)
        {
            if (record.Entry is { ExpiresAt: { } expiresAt } && expiresAt <= now)
            {
                // The value goes, its ETag stays: the owning activation may still hold the entry, and deletes or replaces
                // it expecting that ETag ("an entry already gone (expired) is not an error").
                _entries--;
                record.Entry = null;
            }

            if (record.Entry is null && _time.GetElapsedTime(record.LastUsed, stamp) >= _options.FenceRetention)
            {
                (gone ??= []).Add(key);
            }
        }

        foreach (var key in gone ?? [])
        {
            Drop(key);
        }

        // Fences of keys without values are bounded too: as many as values may be held.
        if (_records.Count - _entries > _maxEntries)
        {
            foreach (var (key, _) in _records.Where(r => r.Value.Entry is null).OrderBy(r => r.Value.LastUsed).Take(_records.Count - _entries - _maxEntries).ToList())
            {
                Drop(key);
            }
        }

        return Task.CompletedTask;
    }

    private void EvictIfFull()
    {
        if (_entries <= _maxEntries)
        {
            return;
        }

        // Amortized: a hundredth of the capacity at once, least recently used first.
        var excess = _entries - _maxEntries + Math.Max(1, _maxEntries / 100);
        foreach (var (key, _) in _records.Where(r => r.Value.Entry is not null).OrderBy(r => r.Value.LastUsed).Take(excess).ToList())
        {
            Drop(key);
        }
    }

    /// <summary>Forgets a key entirely, raising the floor so no activation older than its fence can write it again.</summary>
    private void Drop(string key)
    {
        if (_records.Remove(key, out var record))
        {
            if (record.Entry is not null)
            {
                _entries--;
            }

            if (record.Fence > _floor)
            {
                _floor = record.Fence;
            }
        }
    }

    private sealed class Record
    {
        public ActivationEpoch Fence;
        public StoredCacheEntry? Entry;
        public string? ETag;
        public long LastUsed;
    }
}
