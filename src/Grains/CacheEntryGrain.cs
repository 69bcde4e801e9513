using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Invalidation;
using OrleansCache.Grains.Storage;
using OrleansCache.Core;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Membership;

namespace OrleansCache.Grains;

/// <summary>
/// The single source of truth for one cache key. Every change gets a version greater than all before it and is published
/// to every silo, whose gateways pass it to the clients that may hold the key.
/// </summary>
/// <remarks>
/// Versions are (this activation's epoch, a change counter), or continue from the stored version if that is later:
/// an activation created after another, anywhere in the cluster, has a larger epoch (G2). Get-or-create holds a lease
/// so one caller fills while the rest wait (G6); any change during the fill voids or supersedes the lease, so the
/// filler's value, now older, is never stored.
/// </remarks>
internal sealed partial class CacheEntryGrain : Grain, ICacheEntryGrain
{
    private readonly ICacheEntryStorage _storage;
    private readonly InvalidationPublisher _publisher;
    private readonly TimeProvider _time;
    private readonly CacheSiloOptions _options;
    private readonly CacheSiloMetrics _metrics;
    private readonly ILogger _logger;
    private readonly MembershipService _membership;

    // Read by the interleaved WaitForFillAsync, so both are replaced whole, never mutated.
    private volatile CacheEntry _entry = CacheEntry.Missing(CacheVersion.None);
    private volatile Lease? _lease;

    // How the last lease ended, for waiters whose wait arrives just after it did.
    private volatile Lease? _lastEnded;

    // Set when a storage change failed: this activation's state may be behind storage's, so it serves nothing more.
    private volatile bool _distrusted;
    private string? _etag;
    private CacheVersion _base;
    private long _changes;

    public CacheEntryGrain(ICacheEntryStorage storage, InvalidationPublisher publisher, TimeProvider time, IOptions<CacheSiloOptions> options, CacheSiloMetrics metrics, MembershipService membership, ILogger<CacheEntryGrain> logger)
    {
        _membership = membership;
        _storage = storage;
        _publisher = publisher;
        _time = time;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
    }

    private string Key => GrainId.Key;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var epoch = Context.Epoch;
        _base = new CacheVersion(epoch.MembershipVersion, epoch.Sequence, 0);
        StoredCacheEntry? stored;
        try
        {
            // Claims the key: from now on storage refuses changes of older activations, however late they arrive.
            stored = await _storage.ReadAsync(Key, epoch, cancellationToken);
        }
        catch (CacheStorageConflictException)
        {
            // A newer activation (on a silo with a newer view) claimed it first: this one never serves; the call fails.
            LogStaleActivation(_logger, Key);
            throw;
        }

        if (stored is null)
        {
            _entry = CacheEntry.Missing(_base);
            return;
        }

        _etag = stored.ETag;
        _base = CacheVersion.Later(_base, stored.Version);
        _entry = new CacheEntry(stored.Value, stored.Version, stored.ExpiresAt, stored.Tags);
        await ExpireIfDueAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Waiters on a fill in progress would otherwise wait out the lease (30 s by default) on an activation that is
        // gone, holding their callers' connections, and with them a graceful stop. They ask the new activation instead.
        EndLease(FillResult.Retry);
        return Task.CompletedTask;
    }

    public async Task<CacheEntry> GetAsync()
    {
        await ExpireIfDueAsync();
        var entry = _entry;
        _metrics.Read(entry.Found);
        return entry;
    }

    public async Task<CacheVersion> GetVersionAsync()
    {
        await ExpireIfDueAsync();
        return _entry.Version;
    }

    public async Task<CacheVersion> SetAsync(byte[] value, CacheWriteOptions options)
    {
        var entry = await StoreAsync(value, options);
        // A fill in progress is superseded: its waiters take this value, and the filler's (older) value is refused.
        EndLease(new FillResult(FillOutcome.Filled, entry, null));
        _publisher.PublishKey(Key, entry.Version);
        return entry.Version;
    }

    public async Task<CacheVersion> InvalidateAsync()
    {
        await EnsureMembershipLeaseAsync();
        var version = NextVersion();
        try
        {
            await _storage.DeleteAsync(Key, _etag, Context.Epoch);
        }
        catch (Exception ex)
        {
            OnStorageChangeFailed(version, ex);
            throw;
        }

        _etag = null;
        _entry = CacheEntry.Missing(version);
        EndLease(FillResult.Retry);
        _publisher.PublishKey(Key, version);
        return version;
    }

    public async Task<LeaseResult> GetOrLeaseAsync(TimeSpan leaseTimeout)
    {
        await ExpireIfDueAsync();
        var entry = _entry;
        _metrics.Read(entry.Found);
        if (entry.Found)
        {
            _metrics.Lease("hit");
            return new LeaseResult(LeaseOutcome.Hit, entry, Guid.Empty, TimeSpan.Zero);
        }

        var now = _time.GetTimestamp();
        if (_lease is { } held && held.Remaining(_time, now) > TimeSpan.Zero)
        {
            _metrics.Lease("wait");
            return new LeaseResult(LeaseOutcome.Wait, null, held.Id, held.Remaining(_time, now));
        }

        // No lease, or its holder let it expire (it may have crashed): a new caller fills.
        EndLease(FillResult.Retry);
        var timeout = leaseTimeout > TimeSpan.Zero ? leaseTimeout : TimeSpan.FromSeconds(30);
        _lease = new Lease(Guid.NewGuid(), now + (long)(timeout.TotalSeconds * _time.TimestampFrequency));
        _metrics.Lease("granted");
        return new LeaseResult(LeaseOutcome.Granted, null, _lease.Id, timeout);
    }

    public async Task<CacheEntry?> CompleteLeaseAsync(Guid leaseId, byte[] value, CacheWriteOptions options)
    {
        var lease = _lease;
        if (lease is null || lease.Id != leaseId || lease.Remaining(_time, _time.GetTimestamp()) <= TimeSpan.Zero)
        {
            // Voided by a change that came first, or expired: this value may be older than the truth.
            _metrics.Fill("voided");
            LogFillRefused(_logger, Key);
            return null;
        }

        var entry = await StoreAsync(value, options);
        EndLease(new FillResult(FillOutcome.Filled, entry, null));
        _metrics.Fill("stored");
        _publisher.PublishKey(Key, entry.Version);
        return entry;
    }

    public Task FailLeaseAsync(Guid leaseId, string error)
    {
        if (_lease is { } lease && lease.Id == leaseId)
        {
            EndLease(new FillResult(FillOutcome.Failed, null, error));
            _metrics.Fill("failed");
        }

        return Task.CompletedTask;
    }

    public async Task<FillResult> WaitForFillAsync(Guid leaseId, TimeSpan timeout)
    {
        // Every wait is measured, a lease that had already ended as a wait of (almost) nothing.
        var waitStarted = _time.GetTimestamp();
        try
        {
            return await WaitForLeaseEndAsync(leaseId, timeout);
        }
        finally
        {
            _metrics.LeaseWaited(_time.GetElapsedTime(waitStarted).TotalMilliseconds);
        }
    }

    private async Task<FillResult> WaitForLeaseEndAsync(Guid leaseId, TimeSpan timeout)
    {
        var lease = _lease;
        if (lease is null || lease.Id != leaseId)
        {
            // That lease has ended: tell how, if it was the last one; otherwise the current value or "ask again".
            if (_lastEnded is { } ended && ended.Id == leaseId && ended.Ended.IsCompleted)
            {
                return await ended.Ended;
            }

            // A distrusted activation's value may be older than storage's: the waiter asks again (a new activation).
            var entry = _entry;
            return entry.Found && !_distrusted ? new FillResult(FillOutcome.Filled, entry, null) : FillResult.Retry;
        }

        try
        {
            return await lease.Ended.WaitAsync(timeout, _time);
        }
        catch (TimeoutException)
        {
            return FillResult.Retry;
        }
    }

    private void EndLease(FillResult result)
    {
        if (_lease is { } lease)
        {
            lease.End(result);
            _lastEnded = lease;
            _lease = null;
        }
    }

    private async Task<CacheEntry> StoreAsync(byte[] value, CacheWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        CacheInputRules.ValidateKey(Key, _options.MaxKeyLength);
        if (value.Length > _options.MaxValueBytes)
        {
            throw new ArgumentException($"A cache value may be at most {_options.MaxValueBytes} bytes; this one has {value.Length}.", nameof(value));
        }

        CacheInputRules.ValidateTags(options.Tags, nameof(options));
        if (options.Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new ArgumentException("A time to live must be positive.", nameof(options));
        }

        await EnsureMembershipLeaseAsync();
        var version = NextVersion();
        DateTimeOffset? expiresAt = options.Ttl is { } t ? _time.GetUtcNow() + t : null;
        var tags = options.Tags.Distinct(StringComparer.Ordinal).ToArray();
        try
        {
            _etag = await _storage.WriteAsync(Key, new StoredCacheEntry(value, version, expiresAt, tags), _etag, Context.Epoch);
        }
        catch (Exception ex)
        {
            OnStorageChangeFailed(version, ex);
            throw;
        }

        var entry = new CacheEntry(value, version, expiresAt, tags);
        _entry = entry;
        return entry;
    }

    private async Task ExpireIfDueAsync()
    {
        if (_entry.ExpiresAt is { } expiresAt && expiresAt <= _time.GetUtcNow())
        {
            // Clients expire their copies at the same time, so nothing is published.
            await EnsureMembershipLeaseAsync();
            var version = NextVersion();
            try
            {
                await _storage.DeleteAsync(Key, _etag, Context.Epoch);
            }
            catch (Exception ex)
            {
                OnStorageChangeFailed(version, ex);
                throw;
            }

            _etag = null;
            _entry = CacheEntry.Missing(version);
        }
    }

    /// <summary>
    /// A compare-and-set change of storage failed, so this activation stops serving: on a conflict a newer activation
    /// exists (G1); on any other failure the change may still be applied later (Redis paused, a connection lost after
    /// the command was sent), so this activation no longer knows what storage holds and its state may be older than what
    /// another activation reads (docs/adr/0038). Either way it deactivates: calls queued behind this one go to a new
    /// activation, which reads storage first. A change that may have been applied is also published at its
    /// <paramref name="version"/>: clients drop older copies, since storage may now hold this one.
    /// </summary>
    private void OnStorageChangeFailed(CacheVersion version, Exception failure)
    {
        if (failure is CacheStorageConflictException)
        {
            LogStaleActivation(_logger, Key);
            Distrust();
            return;
        }

        LogStorageOutcomeUnknown(_logger, Key, failure.Message);
        Distrust();
        _publisher.PublishKey(Key, version);
    }

    /// <summary>
    /// A silo that may have been declared dead (it could not heartbeat for the death timeout, e.g. cut off by a
    /// partition) changes nothing in storage until it has confirmed its membership: the key's new owner may already
    /// have read it, and would serve an older value than the one written here. Found by the fault-injection runner
    /// (docs/reliability.md).
    /// </summary>
    private async Task EnsureMembershipLeaseAsync()
    {
        if (!_membership.HoldsMembershipLease && !await _membership.TryRenewMembershipLeaseAsync(CancellationToken.None))
        {
            throw new ClusterUnavailableException($"This silo could not confirm its cluster membership within the death timeout and may have been declared dead; '{Key}' was not changed.");
        }
    }

    private void Distrust()
    {
        _distrusted = true;
        DeactivateOnIdle();
    }

    private CacheVersion NextVersion() => new(_base.Era, _base.Activation, _base.Change + ++_changes);

    /// <summary>A fill in progress: who holds it, until when, and how it ended.</summary>
    private sealed class Lease(Guid id, long expiresAtTimestamp)
    {
        private readonly TaskCompletionSource<FillResult> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Guid Id { get; } = id;

        public Task<FillResult> Ended => _ended.Task;

        public TimeSpan Remaining(TimeProvider time, long now) => time.GetElapsedTime(now, expiresAtTimestamp);

        public void End(FillResult result) => _ended.TrySetResult(result);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Refused a fill of {Key}: its lease was voided or expired")]
    private static partial void LogFillRefused(ILogger logger, string key);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "A newer activation of {Key} has read or changed it; this stale activation deactivates")]
    private static partial void LogStaleActivation(ILogger logger, string key);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "A storage change of {Key} failed and may still be applied ({Reason}); this activation deactivates and the next one reads storage")]
    private static partial void LogStorageOutcomeUnknown(ILogger logger, string key, string reason);
}
