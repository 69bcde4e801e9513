namespace OrleansCache.Grains.Interfaces;

/// <summary>Where a new subscription starts: the feed activation's epoch; the first batch it sends is number 1.</summary>
[GenerateSerializer, Immutable, Alias("oc.FeedPosition")]
public readonly record struct FeedPosition(
    [property: Id(0)] long Epoch,
    [property: Id(1)] TimeSpan HeartbeatInterval);
