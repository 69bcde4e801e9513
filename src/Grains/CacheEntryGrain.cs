using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Client;
using OrleansCache.Client.Caching;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Membership;
using OrleansCache.Grains.Placement;
using OrleansCache.Grains.Storage;

namespace OrleansCache.Grains;

/// <summary>
/// The single source of truth for one cache key. Every change gets a version greater than all before it, is handed to
/// the key's partition feed, then stored, then acknowledged.
/// </summary>
/// <remarks>
/// <para>
/// Versions: storage issues each activation an epoch greater than every earlier one of the key (its claim); versions
/// are (epoch, change counter), so they only grow across deactivation, silo death and failover (G2). Storage refuses
/// the changes of an activation a newer one has claimed over (G1): this one then deactivates and the call is sent again.
/// </para>
/// <para>
/// Publish before store: a change reaches the feed before storage, so a change that takes effect has always been
/// published, even if this activation dies right after storing it; a change published but not stored (storage failed)
/// only makes clients drop a copy they could have kept (docs/adr/0043).
/// </para>
/// <para>
/// Get-or-create holds a lease so one caller fills while the rest wait (G6); any change during the fill voids or
/// supersedes the lease, so the filler's value, now older, is never stored.
/// </para>
/// </remarks>
[GrainType(CacheGrainTypes.EntryName), CachePartitionPlacement]
internal sealed partial class CacheEntryGrain : Grain, ICacheEntryGrain
{
    /// <summary>How many client subscriptions an activation remembers having registered with its feed.</summary>
    private const int MaxRememberedTrackers = 64;

    /// <summary>
    /// The longest one wait for a fill may take. Orleans deactivates an activation (a graceful stop, a rebalance) only
    /// once its running calls end, and a waiting call is a running one: a longer wait would hold the stop up. Waiters
    /// that need longer ask again.
    /// </summary>
    internal static readonly TimeSpan MaxFillWaitPerCall = TimeSpan.FromSeconds(2);

    private readonly ICacheEntryStorage _storage;
    private readonly InvalidationPublisher _publisher;
    private readonly CacheGrainReferences _references;
    private readonly TimeProvider _time;
    private readonly CacheSiloOptions _options;
    private readonly CacheSiloMetrics _metrics;
    private readonly SiloStallFence _stallFence;
    private readonly ILogger _logger;

    private CacheEntry _entry = CacheEntry.Missing(CacheVersion.None);
    private Lease? _lease;

    // How the last lease ended, for waiters whose wait arrives just after it did.
    private Lease? _lastEnded;

    // Set when a storage change failed: this activation's state may be behind storage's, so it serves nothing more.
    private bool _distrusted;
    private string? _etag;
    private ActivationEpoch _epoch;
    private CacheVersion _base;
    private long _changes;
    private HashSet<Guid>? _trackers;
    private IInvalidationFeedGrain _feed = null!;

    public CacheEntryGrain(ICacheEntryStorage storage, InvalidationPublisher publisher, CacheGrainReferences references, TimeProvider time, IOptions<CacheSiloOptions> options, CacheSiloMetrics metrics, SiloStallFence stallFence, ILogger<CacheEntryGrain> logger)
    {
        _stallFence = stallFence;
        _storage = storage;
        _publisher = publisher;
        _references = references;
        _time = time;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
    }

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        CacheInputRules.ValidateKey(Key, _options.MaxKeyLength);
        _feed = _references.FeedOf(Key);

        // Claims the key: from now on storage refuses changes of older activations, however late they arrive.
        var claim = await _storage.ClaimAsync(Key, cancellationToken);
        _epoch = claim.Epoch;
        _base = new CacheVersion(claim.Epoch.Era, claim.Epoch.Sequence, 0);
        if (claim.Entry is not { } stored)
        {
            _entry = CacheEntry.Missing(_base);
            return;
        }

        _etag = claim.ETag;
        _base = CacheVersion.Later(_base, stored.Version);
        _entry = new CacheEntry(stored.Value, stored.Version, stored.ExpiresAt, stored.Tags);
        await ExpireIfDueAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Waiters on a fill in progress would otherwise wait out the lease (30 s by default) on an activation that is
        // gone. They ask the next activation instead.
        EndLease(FillResult.Retry);
        return Task.CompletedTask;
    }

    public async ValueTask<CacheEntry> GetAsync(Guid tracker)
    {
        await ExpireIfDueAsync();
        await TrackAsync(tracker);
        await _stallFence.EnsureTrustedAsync();
        var entry = _entry;
        _metrics.Read(entry.Found);
        return entry;
    }

    public async Task<CacheVersion> GetVersionAsync(Guid tracker)
    {
        await ExpireIfDueAsync();
        await TrackAsync(tracker);
        await _stallFence.EnsureTrustedAsync();
        return _entry.Version;
    }

    public async Task<CacheVersion> SetAsync(byte[] value, CacheWriteOptions options, Guid tracker)
    {
        Validate(value, options);
        var entry = await StoreAsync(value, options, tracker);

        // A fill in progress is superseded: its waiters take this value, and the filler's (older) value is refused.
        EndLease(new FillResult(FillOutcome.Filled, entry, null));
        return entry.Version;
    }

    public async Task<CacheVersion> InvalidateAsync()
    {
        var version = NextVersion();
        await _publisher.PublishAsync(Invalidation.ForKey(Key, version) with { TraceParent = OrleansCacheTelemetry.CurrentTraceParent() });
        try
        {
            await _storage.DeleteAsync(Key, _etag, _epoch);
        }
        catch (Exception ex)
        {
            OnStorageChangeFailed(ex);
            throw;
        }

        _etag = null;
        _entry = CacheEntry.Missing(version);
        EndLease(FillResult.Retry);
        return version;
    }

    public async Task<LeaseResult> GetOrLeaseAsync(TimeSpan leaseTimeout, Guid tracker)
    {
        await ExpireIfDueAsync();
        await TrackAsync(tracker);
        await _stallFence.EnsureTrustedAsync();
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

    public async Task<CacheEntry?> CompleteLeaseAsync(Guid leaseId, byte[] value, CacheWriteOptions options, Guid tracker)
    {
        Validate(value, options);
        if (!HoldsLease(leaseId))
        {
            // Voided by a change that came first, or expired: this value may be older than the truth.
            _metrics.Fill("voided");
            LogFillRefused(_logger, Key);
            return null;
        }

        var entry = await StoreAsync(value, options, tracker);
        EndLease(new FillResult(FillOutcome.Filled, entry, null));
        _metrics.Fill("stored");
        return entry;
    }

    public Task FailLeaseAsync(Guid leaseId, string error)
    {
        if (_lease is { } lease && lease.Id == leaseId)
        {
            EndLease(new FillResult(FillOutcome.Failed, null, Shorten(error)));
            _metrics.Fill("failed");
        }

        return Task.CompletedTask;
    }

    public async Task<FillResult> WaitForFillAsync(Guid leaseId, TimeSpan timeout, Guid tracker)
    {
        // Every wait is measured, a lease that had already ended as a wait of (almost) nothing.
        var waitStarted = _time.GetTimestamp();
        FillResult result;
        try
        {
            result = await WaitForLeaseEndAsync(leaseId, timeout);
        }
        finally
        {
            _metrics.LeaseWaited(_time.GetElapsedTime(waitStarted).TotalMilliseconds);
        }

        if (result.Outcome != FillOutcome.Filled)
        {
            return result;
        }

        // This call interleaves with others: a change may land while the tracker is registered, and its invalidation
        // would not have reached the waiter. Answer with the state after registering, never with an older one.
        await TrackAsync(tracker);
        await _stallFence.EnsureTrustedAsync();
        var entry = _entry;
        if (_distrusted || !entry.Found)
        {
            return FillResult.Retry;
        }

        return entry.Version == result.Entry!.Version ? result : new FillResult(FillOutcome.Filled, entry, null);
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
            return await lease.Ended.WaitAsync(timeout < MaxFillWaitPerCall ? timeout : MaxFillWaitPerCall, _time);
        }
        catch (TimeoutException)
        {
            return FillResult.Retry;
        }
    }

    private bool HoldsLease(Guid leaseId) =>
        _lease is { } lease && lease.Id == leaseId && lease.Remaining(_time, _time.GetTimestamp()) > TimeSpan.Zero;

    private void EndLease(FillResult result)
    {
        if (_lease is { } lease)
        {
            lease.End(result);
            _lastEnded = lease;
            _lease = null;
        }
    }

    /// <summary>
    /// Registers the caller's feed subscription for this key before the caller gets anything it may cache: every later
    /// change of the key is then sent to it. Remembered per activation, so a client reading a key again costs nothing;
    /// a client's new subscription has a new id, so nothing remembered here outlives what the feed knows.
    /// </summary>
    private async Task TrackAsync(Guid tracker)
    {
        if (NeedsTracking(tracker) && await _feed.TrackAsync(tracker, Key))
        {
            RememberTracked(tracker);
        }
    }

    private bool NeedsTracking(Guid tracker) => tracker != Guid.Empty && _trackers?.Contains(tracker) != true;

    private void RememberTracked(Guid tracker)
    {
        _trackers ??= [];
        if (_trackers.Count >= MaxRememberedTrackers)
        {
            _trackers.Clear();
        }

        _trackers.Add(tracker);
    }

    private void Validate(byte[] value, CacheWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        if (value.Length > _options.MaxValueBytes)
        {
            throw new ArgumentException($"A cache value may be at most {_options.MaxValueBytes} bytes; this one has {value.Length}.", nameof(value));
        }

        CacheInputRules.ValidateTags(options.Tags ?? [], nameof(options));
        if (options.Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new ArgumentException("A time to live must be positive.", nameof(options));
        }
    }

    /// <summary>
    /// Publishes, then stores, a new value. The writer's subscription (<paramref name="tracker"/>) is registered with the
    /// feed in the same call as the publish, before the writer can cache what it wrote: one call to the feed, not two.
    /// </summary>
    private async Task<CacheEntry> StoreAsync(byte[] value, CacheWriteOptions options, Guid tracker)
    {
        var version = NextVersion();
        DateTimeOffset? expiresAt = options.Ttl is { } t ? _time.GetUtcNow() + t : null;
        string[] tags = options.Tags is { Count: > 0 } ? [.. options.Tags.Distinct(StringComparer.Ordinal)] : [];
        var invalidation = Invalidation.ForKey(Key, version) with { TraceParent = OrleansCacheTelemetry.CurrentTraceParent() };
        if (!NeedsTracking(tracker))
        {
            await _publisher.PublishAsync(invalidation);
        }
        else if (await _publisher.PublishAndTrackAsync(invalidation, tracker))
        {
            RememberTracked(tracker);
        }

        try
        {
            _etag = await _storage.WriteAsync(Key, new StoredCacheEntry(value, version, expiresAt, tags), _etag, _epoch);
        }
        catch (Exception ex)
        {
            OnStorageChangeFailed(ex);
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
            var version = NextVersion();
            try
            {
                await _storage.DeleteAsync(Key, _etag, _epoch);
            }
            catch (Exception ex)
            {
                OnStorageChangeFailed(ex);
                throw;
            }

            _etag = null;
            _entry = CacheEntry.Missing(version);
        }
    }

    /// <summary>
    /// A compare-and-set change of storage failed, so this activation stops serving: on a conflict a newer activation
    /// exists (G1); on any other failure the change may still be applied later (Redis paused, a connection lost after
    /// the command was sent), so this activation no longer knows what storage holds. Either way it deactivates: calls
    /// queued behind this one go to a new activation, which claims the key first. The change was published before it
    /// was sent to storage, so clients already dropped older copies.
    /// </summary>
    private void OnStorageChangeFailed(Exception failure)
    {
        if (failure is CacheStorageConflictException)
        {
            LogStaleActivation(_logger, Key);
        }
        else
        {
            LogStorageOutcomeUnknown(_logger, Key, failure.Message);
        }

        _distrusted = true;
        EndLease(FillResult.Retry);
        DeactivateOnIdle();
    }

    private CacheVersion NextVersion() => new(_base.Era, _base.Activation, _base.Change + ++_changes);

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 1024 ? text : text[..1024] + "...";

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

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "A newer activation of {Key} has claimed or changed it; this stale activation deactivates")]
    private static partial void LogStaleActivation(ILogger logger, string key);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "A storage change of {Key} failed and may still be applied ({Reason}); this activation deactivates and the next one claims the key anew")]
    private static partial void LogStorageOutcomeUnknown(ILogger logger, string key, string reason);
}
