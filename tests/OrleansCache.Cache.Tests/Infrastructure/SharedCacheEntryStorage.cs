using System.Globalization;
using System.Runtime.CompilerServices;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Runtime;

namespace OrleansCache.Cache.Tests.Infrastructure;

/// <summary>
/// Storage every silo of a test cluster shares, as they share Redis: compare-and-set on ETags and fenced by activation
/// epochs like the real providers. A test can make a write to one key apply and then fail, as a write does when Redis
/// answers too late, or hold a change in transit, as a partition does, and let it arrive later.
/// </summary>
internal sealed class SharedCacheEntryStorage : ICacheEntryStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredCacheEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivationEpoch> _fences = new(StringComparer.Ordinal);
    private long _nextETag;
    private volatile string? _failAfterApplying;
    private volatile HeldChanges? _held;

    /// <summary>Writes and deletes of this key are applied, then fail as if the answer never came.</summary>
    public void FailAfterApplying(string? key) => _failAfterApplying = key;

    /// <summary>
    /// The next change of <paramref name="key"/> is held in transit until the returned handle releases it; only then is
    /// it checked and applied, as a command that reaches Redis after a partition heals.
    /// </summary>
    public HeldChanges HoldNextChange(string key) => _held = new HeldChanges(key);

    /// <summary>The epoch of the newest activation that read or changed <paramref name="key"/>.</summary>
    public ActivationEpoch? FenceOf(string key)
    {
        lock (_lock)
        {
            return _fences.TryGetValue(key, out var fence) ? fence : null;
        }
    }

    /// <summary>Claims <paramref name="key"/> for <paramref name="epoch"/>, as another silo's activation reading it would.</summary>
    public void Claim(string key, ActivationEpoch epoch)
    {
        lock (_lock)
        {
            _fences[key] = epoch;
        }
    }

    /// <summary>What storage holds for <paramref name="key"/> now.</summary>
    public StoredCacheEntry? Peek(string key)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault(key);
        }
    }

    public Task<StoredCacheEntry?> ReadAsync(string key, ActivationEpoch claimant, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ThrowIfFencedOut(key, claimant);
            _fences[key] = claimant;
            return Task.FromResult(_entries.GetValueOrDefault(key));
        }
    }

    public async Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default)
    {
        await InTransitAsync(key);
        string etag;
        lock (_lock)
        {
            ThrowIfConflict(key, expectedETag, writer);
            etag = (++_nextETag).ToString(CultureInfo.InvariantCulture);
            _entries[key] = entry with { ETag = etag };
            _fences[key] = writer;
        }

        ThrowIfFailing(key);
        return etag;
    }

    public async Task DeleteAsync(string key, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default)
    {
        await InTransitAsync(key);
        lock (_lock)
        {
            ThrowIfConflict(key, expectedETag, writer);
            _entries.Remove(key);
            _fences[key] = writer;
        }

        ThrowIfFailing(key);
    }

    public IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, CancellationToken cancellationToken = default) =>
        FindAsync(key => GlobPattern.IsMatch(pattern, key), cancellationToken);

    public IAsyncEnumerable<string> FindKeysByTagAsync(string tag, CancellationToken cancellationToken = default) =>
        FindAsync(key => Peek(key)?.Tags.Contains(tag, StringComparer.Ordinal) == true, cancellationToken);

    private async Task InTransitAsync(string key)
    {
        if (_held is { } held && held.Key == key && Interlocked.CompareExchange(ref _held, null, held) == held)
        {
            await held.SentAndReleasedAsync();
        }
    }

    private void ThrowIfFencedOut(string key, ActivationEpoch epoch)
    {
        if (_fences.TryGetValue(key, out var fence) && fence > epoch)
        {
            throw new CacheStorageConflictException($"'{key}' was claimed by activation {fence}, newer than {epoch}.");
        }
    }

    private void ThrowIfConflict(string key, string? expectedETag, ActivationEpoch writer)
    {
        ThrowIfFencedOut(key, writer);
        var current = _entries.GetValueOrDefault(key)?.ETag;
        if (current is not null && !string.Equals(current, expectedETag, StringComparison.Ordinal))
        {
            throw new CacheStorageConflictException($"'{key}' is at ETag {current}, not {expectedETag ?? "(none)"}.");
        }
    }

    private void ThrowIfFailing(string key)
    {
        if (string.Equals(_failAfterApplying, key, StringComparison.Ordinal))
        {
            throw new TimeoutException($"Storage applied the change of '{key}' but its answer never came (test fault).");
        }
    }

    private async IAsyncEnumerable<string> FindAsync(Func<string, bool> matches, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string[] keys;
        lock (_lock)
        {
            keys = [.. _entries.Keys];
        }

        foreach (var key in keys.Where(matches))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask;
    }

    /// <summary>A change held in transit: <see cref="Sent"/> completes when it was sent, <see cref="Release"/> lets it arrive.</summary>
    internal sealed class HeldChanges(string key)
    {
        private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Key { get; } = key;

        /// <summary>Completes once the change has been sent (and is held).</summary>
        public Task Sent => _sent.Task;

        /// <summary>Lets the held change arrive.</summary>
        public void Release() => _released.TrySetResult();

        internal async Task SentAndReleasedAsync()
        {
            _sent.TrySetResult();
            await _released.Task.ConfigureAwait(false);
        }
    }
}
