using OrleansCache.Client.Caching;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Feeds;

/// <summary>
/// Hands invalidations to the partition feeds: a key's to its partition's feed, a pattern, tag or "all" to every feed.
/// Completes once every feed concerned has queued it; the caller (a key's grain) stores and acknowledges its change
/// only after that, so no acknowledged change can miss a client (docs/adr/0043).
/// </summary>
internal sealed class InvalidationPublisher(CacheGrainReferences grains, CacheSiloMetrics metrics, IEnumerable<ICacheInvalidationObserver> observers)
{
    private readonly ICacheInvalidationObserver[] _observers = [.. observers];

    public Task PublishAsync(Invalidation invalidation)
    {
        Notify(invalidation);
        Invalidation[] items = [invalidation];
        if (invalidation.Kind == InvalidationKind.Key)
        {
            return FeedOf(invalidation).PublishAsync(items);
        }

        var feeds = new Task[CachePartitions.Count];
        for (var partition = 0; partition < feeds.Length; partition++)
        {
            feeds[partition] = grains.Feed(partition).PublishAsync(items);
        }

        return Task.WhenAll(feeds);
    }

    /// <summary>
    /// Publishes a key's invalidation and, in the same call to its feed, registers <paramref name="subscription"/> for the
    /// key (the writer's, which is about to cache what it wrote). Returns whether the feed knows the subscription.
    /// </summary>
    public Task<bool> PublishAndTrackAsync(Invalidation invalidation, Guid subscription)
    {
        if (invalidation.Kind != InvalidationKind.Key)
        {
            throw new ArgumentException("Only a key's invalidation can register a subscription.", nameof(invalidation));
        }

        Notify(invalidation);
        return FeedOf(invalidation).TrackAndPublishAsync(subscription, invalidation.Target!, [invalidation]);
    }

    private void Notify(Invalidation invalidation)
    {
        metrics.InvalidationPublished(invalidation.Kind);
        foreach (var observer in _observers)
        {
            observer.OnInvalidated(invalidation);
        }
    }

    private IInvalidationFeedGrain FeedOf(Invalidation invalidation) => grains.FeedOf(invalidation.Target!);
}
