using OrleansCache.Core;

namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// The single source of truth for one cache key: its value, version, expiry, tags and the lease of a fill in progress.
/// Every change is published to every client that may hold the key.
/// </summary>
[GrainType("cache-entry")]
public interface ICacheEntryGrain : IGrainWithStringKey
{
    /// <summary>The current entry (its value is null when there is none, or it expired).</summary>
    Task<CacheEntry> GetAsync();

    /// <summary>The current version only; used to revalidate near-cached copies.</summary>
    Task<CacheVersion> GetVersionAsync();

    /// <summary>Stores a value; a fill in progress is superseded and its waiters get this value.</summary>
    /// <returns>The new version.</returns>
    Task<CacheVersion> SetAsync(byte[] value, CacheWriteOptions options);

    /// <summary>Removes the value; a fill in progress is voided so its (older) value is never stored.</summary>
    /// <returns>The new version (of the missing entry).</returns>
    Task<CacheVersion> InvalidateAsync();

    /// <summary>
    /// Get-or-create, first step: the value if there is one; otherwise a lease for the first caller (who runs the
    /// factory) and "wait" for everyone else.
    /// </summary>
    Task<LeaseResult> GetOrLeaseAsync(TimeSpan leaseTimeout);

    /// <summary>Stores the value the lease holder produced, if its lease is still valid.</summary>
    /// <returns>The stored entry, or null if the lease was voided or expired (the value is then not stored).</returns>
    Task<CacheEntry?> CompleteLeaseAsync(Guid leaseId, byte[] value, CacheWriteOptions options);

    /// <summary>Releases the lease after the factory failed; waiters receive <paramref name="error"/>.</summary>
    Task FailLeaseAsync(Guid leaseId, string error);

    /// <summary>Waits (without holding the grain) until the lease ends or <paramref name="timeout"/> passes.</summary>
    [AlwaysInterleave]
    Task<FillResult> WaitForFillAsync(Guid leaseId, TimeSpan timeout);
}
