using OrleansCache.Grains.Storage;

namespace OrleansCache.Cache.Tests.Infrastructure;

/// <summary>
/// A silo's in-memory storage whose delete of one key waits until the test opens the gate: that key's invalidation
/// hangs, so a test sees a bulk invalidation in the middle of its work, without depending on timing.
/// </summary>
internal sealed class GatedStorage(ICacheEntryStorage inner, GatedStorage.Gate gate) : ICacheEntryStorage
{
    public Task<CacheEntryClaim> ClaimAsync(string key, CancellationToken cancellationToken = default) => inner.ClaimAsync(key, cancellationToken);

    public Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(key, entry, expectedETag, writer, cancellationToken);

    public async Task DeleteAsync(string key, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default)
    {
        if (string.Equals(key, gate.Key, StringComparison.Ordinal))
        {
            await gate.Opened.Task.WaitAsync(cancellationToken);
        }

        await inner.DeleteAsync(key, expectedETag, writer, cancellationToken);
    }

    public IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, CancellationToken cancellationToken = default) => inner.FindKeysByPatternAsync(pattern, cancellationToken);

    public IAsyncEnumerable<string> FindKeysByTagAsync(string tag, CancellationToken cancellationToken = default) => inner.FindKeysByTagAsync(tag, cancellationToken);

    /// <summary>The key held back, shared by every silo of a test cluster.</summary>
    public sealed class Gate(string key)
    {
        public string Key { get; } = key;

        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
