using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Feeds;

/// <summary>
/// Hears every invalidation once in the cluster: on the silo whose grain made it (the key's grain, or the coordinator
/// that ran a pattern, tag or "all" invalidation), as it is handed to the feeds. Used by the outbound Redis bridge and the publication on Orleans streams.
/// Called inline on a grain's turn: return at once, never block.
/// </summary>
internal interface ICacheInvalidationObserver
{
    void OnInvalidated(Invalidation invalidation);
}
