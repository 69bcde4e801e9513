using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OrleansCache.Core;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Placement;

namespace OrleansCache.Grains.Storage;

/// <summary>
/// Cache entries in the owning silo's memory: values survive an idle deactivation, not a silo's death (use Redis storage
/// for that). The store is owner-local: it refuses writes for keys this silo does not own, and on every membership
/// change drops the keys it no longer owns or may have lost meanwhile, so a key that moves away and back never brings
/// back an old value.
/// </summary>
/// <remarks>
/// Bounded by <see cref="CacheSiloOptions.InMemoryMaxEntries"/> (oldest writes evicted first) and swept for expiry.
/// Activation epochs are not needed as fences here: only this silo's activations reach this store, one per key at a
/// time, and none of their changes can arrive late (no network between them and the store).
/// </remarks>
internal sealed class InMemoryCacheEntryStorage : ICacheEntryStorage, IDisposable
{
    private const int BatchSize = 256;

    private readonly ConcurrentDictionary<string, Slot> _entries = new(StringComparer.Ordinal);
    private readonly CacheSiloOptions _options;
    private readonly GrainOwnership _ownership;
    private readonly MembershipService _membership;
    private readonly LocalSiloDetails _local;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private long _nextETag;

    public InMemoryCacheEntryStorage(IOptions<CacheSiloOptions> options, GrainOwnership ownership, MembershipService membership, LocalSiloDetails local, TimeProvider time)
    {
        _options = options.Value;
        _ownership = ownership;
        _membership = membership;
        _local = local;
        _time = time;
        _membership.ViewChanging += OnViewChanging;
        _sweeper = time.CreateTimer(static s => ((InMemoryCacheEntryStorage)s!).SweepExpired(), this, _options.ExpirySweepInterval, _options.ExpirySweepInterval);
    }

    public int Count => _entries.Count;

    public Task<StoredCacheEntry?> ReadAsync(string key, ActivationEpoch claimant, CancellationToken cancellationToken = default)
    {
        if (!_entries.TryGetValue(key, out var slot))
        {
            return Task.FromResult<StoredCacheEntry?>(null);
        }

        return Task.FromResult<StoredCacheEntry?>(slot.Entry with { ETag = slot.ETag });
    }

    public Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default)
    {
        if (!OwnedHere(key))
        {
            throw new CacheStorageConflictException($"This silo no longer owns '{key}'; the write belongs to its new owner.");
        }

        var etag = Interlocked.Increment(ref _nextETag).ToString(CultureInfo.InvariantCulture);
        var slot = new Slot(entry with { ETag = string.Empty }, etag, _time.GetTimestamp());
        var stored = _entries.AddOrUpdate(
            key,
            static (_, s) => s.New,
            // Present: only the activation that read this very version may replace it. Absent (never written, deleted,
            // expired or evicted): whoever owns the key may write.
            static (_, current, s) => string.Equals(current.ETag, s.Expected, StringComparison.Ordinal) ? s.New : current,
            (New: slot, Expected: expectedETag));
        if (!ReferenceEquals(stored, slot))
        {
            throw new CacheStorageConflictException($"'{key}' was written by another activation; this one is stale.");
        }

        EvictIfFull();
        return Task.FromResult(etag);
    }

    public Task DeleteAsync(string key, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default)
    {
        if (!_entries.TryGetValue(key, out var slot))
        {
            return Task.CompletedTask;
        }

        if (!string.Equals(slot.ETag, expectedETag, StringComparison.Ordinal))
        {
            throw new CacheStorageConflictException($"'{key}' was written by another activation; this one is stale.");
        }

        _entries.TryRemove(new KeyValuePair<string, Slot>(key, slot));
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, CancellationToken cancellationToken = default)
    {
        var prefix = GlobPattern.LiteralPrefix(pattern);
        return FindAsync(key => key.StartsWith(prefix, StringComparison.Ordinal) && GlobPattern.IsMatch(pattern, key), cancellationToken);
    }

    public IAsyncEnumerable<string> FindKeysByTagAsync(string tag, CancellationToken cancellationToken = default) =>
        FindAsync(key => _entries.TryGetValue(key, out var slot) && slot.Entry.Tags.Contains(tag, StringComparer.Ordinal), cancellationToken);

    public void Dispose()
    {
        _membership.ViewChanging -= OnViewChanging;
        _sweeper.Dispose();
    }

    private async IAsyncEnumerable<string> FindAsync(Func<string, bool> matches, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = 0;
        foreach (var key in _entries.Keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (matches(key))
            {
                yield return key;
            }

            // Yield the thread between batches so a large scan never monopolizes it.
            if (++batch % BatchSize == 0)
            {
                await Task.Yield();
            }
        }
    }

    private bool OwnedHere(string key) => _ownership.IsLocal(new GrainId(CacheGrainTypes.CacheEntry, key));

    private void OnViewChanging(MembershipView current, MembershipView next)
    {
        // Before the next view is used, like the activations: a key that may have had another owner meanwhile (a
        // silo this one never saw active) must not come back at its older value; it reads as missing, at a later version.
        var fence = new OwnershipFence(current, next, _local.Address);
        foreach (var key in _entries.Keys)
        {
            if (fence.MayHaveMovedAway(new GrainId(CacheGrainTypes.CacheEntry, key)))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private void SweepExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var (key, slot) in _entries)
        {
            if (slot.Entry.ExpiresAt <= now)
            {
                _entries.TryRemove(new KeyValuePair<string, Slot>(key, slot));
            }
        }
    }

    private void EvictIfFull()
    {
        if (_entries.Count <= _options.InMemoryMaxEntries)
        {
            return;
        }

        // Amortized: evict a hundredth of the limit, oldest writes first.
        var excess = _entries.Count - _options.InMemoryMaxEntries + Math.Max(1, _options.InMemoryMaxEntries / 100);
        foreach (var (key, slot) in _entries.OrderBy(e => e.Value.WrittenAt).Take(excess).ToList())
        {
            _entries.TryRemove(new KeyValuePair<string, Slot>(key, slot));
        }
    }

    private sealed record Slot(StoredCacheEntry Entry, string ETag, long WrittenAt);
}
