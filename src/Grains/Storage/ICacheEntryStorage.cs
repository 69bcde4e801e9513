namespace OrleansCache.Grains.Storage;

/// <summary>
/// Where cache-entry grains keep their values between activations. Writes are compare-and-set on the ETag the grain
/// last saw, so a stale duplicate activation can never overwrite a newer value (it gets
/// <see cref="CacheStorageConflictException"/> instead).
/// </summary>
public interface ICacheEntryStorage
{
    /// <summary>The stored entry, or null.</summary>
    Task<StoredCacheEntry?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="entry"/> if the stored ETag still equals <paramref name="expectedETag"/> (null: nothing stored).</summary>
    /// <returns>The new ETag.</returns>
    /// <exception cref="CacheStorageConflictException">Someone else wrote or deleted the entry since.</exception>
    Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entry if its ETag still equals <paramref name="expectedETag"/>; nothing stored is not an error.</summary>
    /// <exception cref="CacheStorageConflictException">Someone else wrote the entry since.</exception>
    Task DeleteAsync(string key, string? expectedETag, CancellationToken cancellationToken = default);

    /// <summary>Keys this silo's storage holds that match a glob pattern, in bounded batches.</summary>
    IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>Keys this silo's storage holds that carry <paramref name="tag"/>, in bounded batches.</summary>
    IAsyncEnumerable<string> FindKeysByTagAsync(string tag, CancellationToken cancellationToken = default);
}
