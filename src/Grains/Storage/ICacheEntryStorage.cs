using OrleansCache.Runtime;

namespace OrleansCache.Grains.Storage;

/// <summary>
/// Where cache-entry grains keep their values between activations. Two checks keep a stale activation of a key (one a
/// newer activation has replaced, on another silo or after a failover) from changing what the newer one serves:
/// <list type="bullet">
/// <item>Writes and deletes are compare-and-set on the ETag the activation last saw, so a stale activation never
/// overwrites a newer value.</item>
/// <item>Every activation claims the key when it reads it, with its <see cref="ActivationEpoch"/> as a fencing token;
/// from then on, a change carrying an older epoch is refused, even one that matches the ETag because the newer
/// activation has only read the key so far. A change can reach storage long after it was sent (a silo cut off by a
/// partition sends it when the link heals); the claim is what refuses it (docs/adr/0041).</item>
/// </list>
/// Either refusal is a <see cref="CacheStorageConflictException"/>.
/// </summary>
public interface ICacheEntryStorage
{
    /// <summary>
    /// Reads the entry for a new activation and claims the key for it: changes carrying an epoch older than
    /// <paramref name="claimant"/> are refused from now on.
    /// </summary>
    /// <returns>The stored entry, or null.</returns>
    /// <exception cref="CacheStorageConflictException">A newer activation has claimed the key: this one is stale.</exception>
    Task<StoredCacheEntry?> ReadAsync(string key, ActivationEpoch claimant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="entry"/> if the stored ETag still equals <paramref name="expectedETag"/> (null: nothing
    /// stored) and no activation newer than <paramref name="writer"/> has claimed the key.
    /// </summary>
    /// <returns>The new ETag.</returns>
    /// <exception cref="CacheStorageConflictException">Someone else wrote, deleted or claimed the entry since.</exception>
    Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the entry if its ETag still equals <paramref name="expectedETag"/> (null: nothing stored) and no
    /// activation newer than <paramref name="writer"/> has claimed the key; an entry already gone (expired) is not an
    /// error.
    /// </summary>
    /// <exception cref="CacheStorageConflictException">Someone else wrote or claimed the entry since.</exception>
    Task DeleteAsync(string key, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default);

    /// <summary>Keys this silo's storage holds that match a glob pattern, in bounded batches.</summary>
    IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>Keys this silo's storage holds that carry <paramref name="tag"/>, in bounded batches.</summary>
    IAsyncEnumerable<string> FindKeysByTagAsync(string tag, CancellationToken cancellationToken = default);
}
