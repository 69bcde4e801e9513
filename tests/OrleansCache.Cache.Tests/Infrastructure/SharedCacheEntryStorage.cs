using System.Globalization;
using System.Runtime.CompilerServices;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;

namespace OrleansCache.Cache.Tests.Infrastructure;

/// <summary>
/// Storage every silo of a test cluster shares, as they share Redis: compare-and-set on ETags like the real providers.
/// A test can make a write to one key apply and then fail, as a write does when Redis answers too late.
/// </summary>
internal sealed class SharedCacheEntryStorage : ICacheEntryStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredCacheEntry> _entries = new(StringComparer.Ordinal);
    private long _nextETag;
    private volatile string? _failAfterApplying;

    /// <summary>Writes and deletes of this key are applied, then fail as if the answer never came.</summary>
    public void FailAfterApplying(string? key) => _failAfterApplying = key;

    /// <summary>What storage holds for <paramref name="key"/> now.</summary>
    public StoredCacheEntry? Peek(string key)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault(key);
        }
    }

    public Task<StoredCacheEntry?> ReadAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(Peek(key));

    public Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, CancellationToken cancellationToken = default)
    {
        string etag;
        lock (_lock)
        {
            ThrowIfConflict(key, expectedETag);
            etag = (++_nextETag).ToString(CultureInfo.InvariantCulture);
            _entries[key] = entry with { ETag = etag };
        }

        ThrowIfFailing(key);
        return Task.FromResult(etag);
    }

    public Task DeleteAsync(string key, string? expectedETag, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ThrowIfConflict(key, expectedETag);
            _entries.Remove(key);
        }

        ThrowIfFailing(key);
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, CancellationToken cancellationToken = default) =>
        FindAsync(key => GlobPattern.IsMatch(pattern, key), cancellationToken);

    public IAsyncEnumerable<string> FindKeysByTagAsync(string tag, CancellationToken cancellationToken = default) =>
        FindAsync(key => Peek(key)?.Tags.Contains(tag, StringComparer.Ordinal) == true, cancellationToken);

    private void ThrowIfConflict(string key, string? expectedETag)
    {
        var current = _entries.GetValueOrDefault(key)?.ETag;
        if (!string.Equals(current, expectedETag, StringComparison.Ordinal))
        {
            throw new CacheStorageConflictException($"'{key}' is at ETag {current ?? "(none)"}, not {expectedETag ?? "(none)"}.");
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
}
