using OrleansCache.Core;

namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// Cache operations that span many keys: batch version checks and invalidation by keys, pattern, tag or everything.
/// Stateless: clients spread calls over a few keys, and every method runs concurrently.
/// </summary>
[GrainType("cache-coordinator")]
public interface ICacheCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>The current version of each key (<see cref="CacheVersion.None"/> for keys that have no value).</summary>
    [AlwaysInterleave]
    Task<CacheVersion[]> CheckVersionsAsync(string[] keys);

    /// <summary>Invalidates each key; returns their new versions, in order.</summary>
    [AlwaysInterleave]
    Task<CacheVersion[]> InvalidateKeysAsync(string[] keys);

    /// <summary>Invalidates every key matching a glob pattern (<c>*</c> and <c>?</c>); returns how many held a value.</summary>
    [AlwaysInterleave]
    Task<long> InvalidatePatternAsync(string pattern);

    /// <summary>Invalidates every key carrying <paramref name="tag"/>; returns how many held a value.</summary>
    [AlwaysInterleave]
    Task<long> InvalidateTagAsync(string tag);

    /// <summary>Invalidates every key; returns how many held a value.</summary>
    [AlwaysInterleave]
    Task<long> InvalidateAllAsync();
}
