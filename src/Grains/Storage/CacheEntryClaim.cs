namespace OrleansCache.Grains.Storage;

/// <summary>What a new activation gets when it claims its key: its epoch, and the stored entry with its ETag, if any.</summary>
[GenerateSerializer, Immutable, Alias("oc.CacheEntryClaim")]
public sealed record CacheEntryClaim(
    [property: Id(0)] ActivationEpoch Epoch,
    [property: Id(1)] StoredCacheEntry? Entry,
    [property: Id(2)] string? ETag);
