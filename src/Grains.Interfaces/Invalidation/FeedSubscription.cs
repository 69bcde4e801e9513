namespace OrleansCache.Grains.Interfaces;

/// <summary>What a client asks of a partition's feed.</summary>
/// <param name="Id">
/// Names this subscription. A client uses a new id every time it subscribes, so nothing registered under an earlier
/// subscription (tracked keys) is mistaken for this one.
/// </param>
/// <param name="Prefixes">
/// Broadcast mode: besides the keys this subscription read or wrote (tracking mode, registered by the keys' grains),
/// every key invalidation under one of these prefixes; the empty prefix matches every key. Empty for tracking only.
/// Pattern, tag and "all" invalidations go to every subscription.
/// </param>
[GenerateSerializer, Immutable, Alias("oc.FeedSubscription")]
public sealed record FeedSubscription(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string[] Prefixes);
