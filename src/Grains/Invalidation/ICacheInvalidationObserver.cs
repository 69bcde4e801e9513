using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Invalidation;

/// <summary>
/// Hears every invalidation exactly once in the cluster: on the silo that applied it (the key's owner, or the silo that
/// ran a pattern, tag or all invalidation). Used by the outbound Redis bridge. Called inline: return quickly.
/// </summary>
internal interface ICacheInvalidationObserver
{
    void OnKeyInvalidated(string key, CacheVersion version);

    void OnPatternInvalidated(string pattern);

    void OnTagInvalidated(string tag);

    void OnAllInvalidated();
}
