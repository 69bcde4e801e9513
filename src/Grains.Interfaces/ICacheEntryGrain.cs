using Orleans.Concurrency;

namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// The single source of truth for one cache key: its value, version, expiry, tags and the lease of a fill in progress.
/// Every change is handed to the key's partition feed before it is stored and acknowledged (docs/adr/0043).
/// </summary>
/// <remarks>
/// Calls that put the key in a client's near-cache take the client's subscription to the key's partition feed
/// (<c>tracker</c>, <see cref="Guid.Empty"/> for none): the grain registers it with the feed before answering, so no
/// later change of the key can miss that client.
/// </remarks>
[Alias("oc.ICacheEntryGrain")]
public interface ICacheEntryGrain : IGrainWithStringKey
{
    /// <summary>The current entry (its value is null when there is none, or it expired).</summary>
    /// <remarks>
    /// A <see cref="ValueTask{TResult}"/>, unlike the other calls: it is the remote read, and neither the grain (whose
    /// read completes synchronously) nor the caller (which awaits Orleans' pooled completion directly) then allocates a
    /// task for it. The wire format is the same as a <see cref="Task{TResult}"/>'s.
    /// </remarks>
    [Alias("Get")]
    ValueTask<CacheEntry> GetAsync(Guid tracker);

    /// <summary>The current version only; used to revalidate near-cached copies.</summary>
    [Alias("GetVersion")]
    Task<CacheVersion> GetVersionAsync(Guid tracker);

    /// <summary>Stores a value; a fill in progress is superseded and its waiters get this value.</summary>
    /// <returns>The new version.</returns>
    [Alias("Set")]
    Task<CacheVersion> SetAsync(byte[] value, CacheWriteOptions options, Guid tracker);

    /// <summary>Removes the value; a fill in progress is voided so its (older) value is never stored.</summary>
    /// <returns>The new version (of the missing entry).</returns>
    [Alias("Invalidate")]
    Task<CacheVersion> InvalidateAsync();

    /// <summary>
    /// Get-or-create, first step: the value if there is one; otherwise a lease for the first caller (who runs the
    /// factory) and "wait" for everyone else.
    /// </summary>
    [Alias("GetOrLease")]
    Task<LeaseResult> GetOrLeaseAsync(TimeSpan leaseTimeout, Guid tracker);

    /// <summary>Stores the value the lease holder produced, if its lease is still valid.</summary>
    /// <returns>The stored entry, or null if the lease was voided or expired (the value is then not stored).</returns>
    [Alias("CompleteLease")]
    Task<CacheEntry?> CompleteLeaseAsync(Guid leaseId, byte[] value, CacheWriteOptions options, Guid tracker);

    /// <summary>Releases the lease after the factory failed; waiters receive <paramref name="error"/>.</summary>
    [Alias("FailLease")]
    Task FailLeaseAsync(Guid leaseId, string error);

    /// <summary>Waits (without holding the grain) until the lease ends or <paramref name="timeout"/> passes.</summary>
    [AlwaysInterleave, Alias("WaitForFill")]
    Task<FillResult> WaitForFillAsync(Guid leaseId, TimeSpan timeout, Guid tracker);
}
