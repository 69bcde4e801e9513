namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// One numbered batch from a partition's invalidation feed to one subscriber, a heartbeat, or a closing batch. The feed
/// numbers the batches of invalidations it sends a subscriber 1, 2, 3... within its <see cref="Epoch"/>; a heartbeat
/// (no items) and a closing batch carry the number of the last batch sent.
/// </summary>
/// <remarks>
/// A subscriber that is missing a number (for longer than batches are ever reordered), sees an epoch other than the one
/// it subscribed to, gets a <see cref="Closing"/> batch, or hears nothing for longer than its silence timeout may have
/// missed an invalidation: it stops serving the partition's entries, subscribes again and revalidates them (G3). A
/// closing batch says why (<see cref="CloseReason"/>): <c>closing</c> (the feed is deactivating), <c>overflow</c> (the
/// subscriber fell too far behind) or <c>tracking_limit</c> (it tracked more keys than the feed keeps for one
/// subscriber: the client then drops the partition's entries rather than registering them all again).
/// </remarks>
[GenerateSerializer, Immutable, Alias("oc.InvalidationDelivery")]
public sealed record InvalidationDelivery(
    [property: Id(0)] int Partition,
    [property: Id(1)] Guid Subscription,
    [property: Id(2)] long Epoch,
    [property: Id(3)] long Sequence,
    [property: Id(4)] Invalidation[] Items,
    [property: Id(5)] long PublishedAtUnixMicroseconds,
    [property: Id(6)] bool Closing,
    [property: Id(7)] string? CloseReason = null);
