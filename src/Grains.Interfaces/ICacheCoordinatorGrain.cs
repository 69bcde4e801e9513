namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// Cache operations that span many keys: batch version checks and invalidation by keys, pattern, tag or everything.
/// A stateless worker: it runs on the silo that receives the call, as many at once as calls arrive.
/// </summary>
[Alias("oc.ICacheCoordinatorGrain")]
public interface ICacheCoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The current version of each key (that of a missing entry for keys without a value), registering
    /// <paramref name="tracker"/> with each key's feed first (see <see cref="ICacheEntryGrain"/>).
    /// </summary>
    [Alias("CheckVersions")]
    Task<CacheVersion[]> CheckVersionsAsync(string[] keys, Guid tracker);

    /// <summary>Invalidates each key; returns their new versions, in order.</summary>
    [Alias("InvalidateKeys")]
    Task<CacheVersion[]> InvalidateKeysAsync(string[] keys);

    /// <summary>Invalidates every key matching a glob pattern (<c>*</c> and <c>?</c>); returns how many held a value.</summary>
    [Alias("InvalidatePattern")]
    Task<long> InvalidatePatternAsync(string pattern);

    /// <summary>Invalidates every key carrying <paramref name="tag"/>; returns how many held a value.</summary>
    [Alias("InvalidateTag")]
    Task<long> InvalidateTagAsync(string tag);

    /// <summary>Invalidates every key; returns how many held a value.</summary>
    [Alias("InvalidateAll")]
    Task<long> InvalidateAllAsync();
}
