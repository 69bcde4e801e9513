using System.Runtime.CompilerServices;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Storage;

/// <summary>
/// Cache entries in silo memory, one store grain per partition, placed with the partition's entry grains. Values
/// survive a key's deactivation and its move to another silo, not the death of the silo that holds the store (use
/// Redis storage for that); versions stay monotonic either way (docs/adr/0042).
/// </summary>
internal sealed class InMemoryCacheEntryStorage(IGrainFactory grains) : ICacheEntryStorage
{
    // Made once: Orleans' GetGrain resolves the interface afresh on every call (see CacheGrainReferences).
    private readonly Lazy<ICacheStoreGrain[]> _stores = new(() => [.. Enumerable.Range(0, CachePartitions.Count).Select(p => grains.GetGrain<ICacheStoreGrain>(p))]);

    public Task<CacheEntryClaim> ClaimAsync(string key, CancellationToken cancellationToken = default) =>
        StoreOf(key).ClaimAsync(key);

    public Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default) =>
        StoreOf(key).WriteAsync(key, entry, expectedETag, writer);

    public Task DeleteAsync(string key, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default) =>
        StoreOf(key).DeleteAsync(key, expectedETag, writer);

    public IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, CancellationToken cancellationToken = default) =>
        FindAsync(pattern, tag: null, cancellationToken);

    public IAsyncEnumerable<string> FindKeysByTagAsync(string tag, CancellationToken cancellationToken = default) =>
        FindAsync(pattern: null, tag, cancellationToken);

    private async IAsyncEnumerable<string> FindAsync(string? pattern, string? tag, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One batch per partition, asked of all partitions at once.
        var batches = _stores.Value.Select(store => store.FindKeysAsync(pattern, tag)).ToList();
        foreach (var batch in batches)
        {
            foreach (var key in await batch.WaitAsync(cancellationToken))
            {
                yield return key;
            }
        }
    }

    private ICacheStoreGrain StoreOf(string key) => _stores.Value[CachePartitions.Of(key)];
}
