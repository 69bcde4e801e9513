namespace OrleansCache.Grains.Storage;

/// <summary>
/// Where cache-entry grains keep their values between activations, and what orders and fences those activations.
/// </summary>
/// <remarks>
/// Orleans gives an activation no epoch of its own, and during a partition or a directory race two activations of a
/// key can exist. Storage provides both guarantees the cache needs (docs/adr/0042):
/// <list type="bullet">
/// <item><see cref="ClaimAsync"/> issues each activation an <see cref="ActivationEpoch"/> greater than any issued for
/// the key before; versions start from it, so they only grow (G2).</item>
/// <item>Writes and deletes are compare-and-set on the ETag the activation last saw, and are refused when a newer
/// activation has claimed the key since, even one that has only read it: a change that reaches storage late (held by a
/// partition) never overwrites what the newer activation serves (G1).</item>
/// </list>
/// Either refusal is a <see cref="CacheStorageConflictException"/>. Other exceptions mean the outcome is unknown.
/// </remarks>
public interface ICacheEntryStorage
{
    /// <summary>Claims <paramref name="key"/> for a new activation: a new epoch, and the stored entry.</summary>
    Task<CacheEntryClaim> ClaimAsync(string key, CancellationToken cancellationToken = default);

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

    /// <summary>Stored keys that match a glob pattern, in bounded batches; never a blocking scan of everything.</summary>
    IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>Stored keys that carry <paramref name="tag"/>, in bounded batches.</summary>
    IAsyncEnumerable<string> FindKeysByTagAsync(string tag, CancellationToken cancellationToken = default);
}
