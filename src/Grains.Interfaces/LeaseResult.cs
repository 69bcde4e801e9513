namespace OrleansCache.Grains.Interfaces;

/// <summary>The answer to <see cref="ICacheEntryGrain.GetOrLeaseAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("oc.LeaseResult")]
public sealed record LeaseResult(
    [property: Id(0)] LeaseOutcome Outcome,
    [property: Id(1)] CacheEntry? Entry,
    [property: Id(2)] Guid LeaseId,
    [property: Id(3)] TimeSpan Remaining);
