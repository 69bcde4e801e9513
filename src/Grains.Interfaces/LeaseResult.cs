namespace OrleansCache.Grains.Interfaces;

/// <summary>The answer to <see cref="ICacheEntryGrain.GetOrLeaseAsync"/>.</summary>
public sealed record LeaseResult(LeaseOutcome Outcome, CacheEntry? Entry, Guid LeaseId, TimeSpan Remaining);
