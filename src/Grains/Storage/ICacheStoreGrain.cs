namespace OrleansCache.Grains.Storage;

/// <summary>The in-memory storage of one partition's cache entries (the grain's key is the partition).</summary>
[Alias("oc.ICacheStoreGrain")]
internal interface ICacheStoreGrain : IGrainWithIntegerKey
{
    [Alias("Claim")]
    Task<CacheEntryClaim> ClaimAsync(string key);

    [Alias("Write")]
    Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, ActivationEpoch writer);

    [Alias("Delete")]
    Task DeleteAsync(string key, string? expectedETag, ActivationEpoch writer);

    /// <summary>Keys with a live value that match <paramref name="pattern"/> (glob) or, if it is null, carry <paramref name="tag"/>.</summary>
    [Alias("FindKeys")]
    Task<string[]> FindKeysAsync(string? pattern, string? tag);
}
