using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Feeds;

/// <summary>
/// Hands invalidations to the partition feeds: a key's to its partition's feed, a pattern, tag or "all" to every feed.
/// Completes once every feed concerned has queued it; the caller (a key's grain) stores and acknowledges its change
/// only after that, so no acknowledged change can miss a client (docs/adr/0043).
/// </summary>
internal sealed class InvalidationPublisher(IGrainFactory grains, CacheSiloMetrics metrics, IEnumerable<ICacheInvalidationObserver> observers)
{
    private readonly ICacheInvalidationObserver[] _observers = [.. observers];

    public Task PublishAsync(Invalidation invalidation)
    {
        metrics.InvalidationPublished(invalidation.Kind);
        foreach (var observer in _observers)
        {
            observer.OnInvalidated(invalidation);
        }

        Invalidation[] items = [invalidation];
        if (invalidation.Kind == InvalidationKind.Key)
        {
            return grains.GetGrain<IInvalidationFeedGrain>(CachePartitions.Of(invalidation.Target!)).PublishAsync(items);
        }

        var feeds = new Task[CachePartitions.Count];
        for (var partition = 0; partition < feeds.Length; partition++)
        {
            feeds[partition] = grains.GetGrain<IInvalidationFeedGrain>(partition).PublishAsync(items);
        }

        return Task.WhenAll(feeds);
    }
}
