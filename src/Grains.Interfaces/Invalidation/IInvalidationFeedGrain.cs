namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// The invalidation feed of one partition (the grain's key): stamps every invalidation of its partition's keys into
/// numbered batches per subscriber and pushes them, in order, to the subscribed clients' observers, with heartbeats
/// when there is nothing to send.
/// </summary>
[Alias("oc.IInvalidationFeedGrain")]
public interface IInvalidationFeedGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Subscribes <paramref name="observer"/> (or replaces a subscription of the same id). Batches numbered from 1
    /// follow; everything published after this call returns is among them.
    /// </summary>
    [Alias("Subscribe")]
    Task<FeedPosition> SubscribeAsync(IInvalidationObserver observer, FeedSubscription subscription);

    /// <summary>Ends a subscription; unknown ids are ignored.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(Guid subscription);

    /// <summary>
    /// Registers that <paramref name="subscription"/> holds <paramref name="key"/> (tracking mode); called by the key's
    /// grain before it answers the read or write that will put the key in the client's near-cache.
    /// </summary>
    /// <returns>False if the feed does not know the subscription (the client will notice and subscribe again).</returns>
    [Alias("Track")]
    Task<bool> TrackAsync(Guid subscription, string key);

    /// <summary>Queues invalidations for every subscriber they concern; returns once queued, before delivery.</summary>
    [Alias("Publish")]
    Task PublishAsync(Invalidation[] items);

    /// <summary>
    /// <see cref="TrackAsync"/> then <see cref="PublishAsync"/> in one call: a key's grain registers the writer's
    /// subscription and publishes the write's invalidation without a second round trip.
    /// </summary>
    /// <returns>What <see cref="TrackAsync"/> would have returned.</returns>
    [Alias("TrackAndPublish")]
    Task<bool> TrackAndPublishAsync(Guid subscription, string key, Invalidation[] items);
}
