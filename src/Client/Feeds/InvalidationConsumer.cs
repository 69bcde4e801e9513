using Microsoft.Extensions.Logging;
using OrleansCache.Client.Caching;
using OrleansCache.Client.Diagnostics;
using OrleansCache.Client.NearCaching;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Feeds;

/// <summary>
/// The client's half of the invalidation feeds: one subscription per partition, checked batch by batch, and a
/// resynchronization whenever an invalidation may have been missed (docs/adr/0043, docs/consistency.md).
/// </summary>
/// <remarks>
/// <para>
/// Every way to miss an invalidation ends in the same place: a batch number other than the next (gap), another feed
/// epoch (the feed moved or restarted), a closing batch, silence past <see cref="OrleansCacheClientOptions.FeedSilenceTimeout"/>,
/// a lost gateway or a lost cluster connection. The partition (or every partition) stops serving its near-cached
/// entries at once, subscribes again under a new id, and then asks the cluster for the current version of each entry
/// it held, in batches, registering the new subscription as it does: entries still current are served again, the
/// others dropped.
/// </para>
/// <para>
/// A key's grain registers the client's subscription with the feed before answering a read or write; a read of a
/// partition whose subscription is not live passes no subscription and its result is not cached.
/// </para>
/// </remarks>
internal sealed partial class InvalidationConsumer : IAsyncDisposable
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one subscribe may go unanswered before it is sent again under the same id (which the feed treats as
    /// the same subscription). Right after a silo crashes, a call can go unanswered until the response timeout (10 s)
    /// although the feed is alive; sent again, it takes the cluster's healed path, so a partition is not left
    /// unserved for the whole timeout.
    /// </summary>
    private static readonly TimeSpan SubscribeAttemptTimeout = TimeSpan.FromSeconds(2);

    private readonly CacheGrainReferences _grains;
    private readonly OrleansCacheClientOptions _options;
    private readonly NearCache _near;
    private readonly CacheClientMetrics _metrics;
    /// <summary>The cache's clock: only for the lag between a feed's stamp and now (silos stamp by the same clock).</summary>
    private readonly TimeProvider _time;

    /// <summary>Real time for waiting, retrying and the silence watchdog: a test's fake cache clock must not stall them.</summary>
    private readonly TimeProvider _real = TimeProvider.System;
    private readonly ILogger _logger;

    /// <summary>Tells this client's log entries from another's (tests and applications may run several in one process).</summary>
    private readonly string _name = Guid.NewGuid().ToString("N")[..8];
    private readonly Action<Invalidation> _apply;
    private readonly PartitionFeedState[] _partitions;
    private readonly RecentOperations _broadOperations = new(capacity: 4096);
    private readonly InvalidationObserver _observer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private IInvalidationObserver? _reference;
    private ITimer? _watchdog;
    private bool _started;

    public InvalidationConsumer(CacheGrainReferences grains, OrleansCacheClientOptions options, NearCache near, CacheClientMetrics metrics, TimeProvider time, ILogger logger, Action<Invalidation> apply)
    {
        _grains = grains;
        _options = options;
        _near = near;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _apply = apply;
        _observer = new InvalidationObserver(this);
        _partitions = [.. Enumerable.Range(0, CachePartitions.Count).Select(p => new PartitionFeedState(p))];
    }

    /// <summary>Raised after each partition's revalidation: partition, entries kept, entries dropped.</summary>
    public event Action<int, int, int>? Revalidated;

    /// <summary>Subscribes to every partition, in the background. Called when the client (or silo) becomes active, or on first use.</summary>
    public void Start()
    {
        lock (_startLock)
        {
            if (_started || _stopping.IsCancellationRequested)
            {
                return;
            }

            _started = true;
        }

        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(20).Ticks, Math.Min(_options.FeedSilenceTimeout.Ticks / 4, _options.FeedReorderWindow.Ticks / 2)));
        _watchdog = _real.CreateTimer(static s => ((InvalidationConsumer)s!).CheckFeeds(), this, period, period);
        foreach (var partition in _partitions)
        {
            Resync(partition, "start");
        }
    }

    /// <summary>
    /// The subscription a read or write of a key in <paramref name="partition"/> registers with the key's grain, or
    /// <see cref="Guid.Empty"/> if the partition's subscription is not live (the result must then not be cached).
    /// Waits, within the operation's cancellation, for the partition's first subscription.
    /// </summary>
    public ValueTask<Guid> TrackerForAsync(int partition, CancellationToken cancellationToken)
    {
        var state = _partitions[partition];
        lock (state.Lock)
        {
            if (state.Live)
            {
                return new ValueTask<Guid>(state.Subscription);
            }
        }

        Start();
        return WaitForTrackerAsync(state, cancellationToken);
    }

    private async ValueTask<Guid> WaitForTrackerAsync(PartitionFeedState state, CancellationToken cancellationToken)
    {
        Task subscribed;
        lock (state.Lock)
        {
            subscribed = state.Subscribed.Task;
        }

        try
        {
            await subscribed.WaitAsync(_options.FeedSubscribeWait, _real, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Not subscribed yet (the cluster is unreachable or the feed is moving): read without caching.
        }

        lock (state.Lock)
        {
            return state.Live ? state.Subscription : Guid.Empty;
        }
    }

    /// <summary>Where the client stands with a partition's feed (tests and diagnostics).</summary>
    internal (Guid Subscription, bool Live, long Epoch, long NextSequence) StateOf(int partition)
    {
        var state = _partitions[partition];
        lock (state.Lock)
        {
            return (state.Subscription, state.Live, state.Epoch, state.NextSequence);
        }
    }

    /// <summary>Every partition may have missed invalidations (a gateway or the cluster connection was lost).</summary>
    public void ResyncAll(string reason)
    {
        if (_stopping.IsCancellationRequested || !_started)
        {
            return;
        }

        foreach (var partition in _partitions)
        {
            Resync(partition, reason);
        }
    }

    /// <summary>
    /// Handles one batch, heartbeat or closing batch (internal so tests and the fuzz suite can feed them directly).
    /// </summary>
    /// <returns>
    /// The number up to which this client has every batch of the subscription, for the feed; -1 if the delivery belongs
    /// to a subscription this client no longer holds (the feed then forgets it) or ends the current one.
    /// </returns>
    internal long OnDelivery(InvalidationDelivery delivery)
    {
        if (delivery is null || (uint)delivery.Partition >= CachePartitions.Count)
        {
            LogMalformedDelivery(_logger, _name);
            return -1;
        }

        var state = _partitions[delivery.Partition];
        var items = delivery.Items ?? [];
        var batch = items.Length > 0 && !delivery.Closing;

        // Numbers no feed sends (epochs start at 1, batches at 1, heartbeats at 0) or items it cannot have meant: what
        // the delivery was to carry may be lost, and its number must not be taken as received (a later real batch of
        // that number would be dropped as a copy), so the partition resynchronizes instead.
        var malformed = delivery.Epoch <= 0 || delivery.Sequence < 0 || (batch && delivery.Sequence == 0) || delivery.Items is null || !AllValid(items);
        string? problem = null;
        long confirmed;
        lock (state.Lock)
        {
            if (delivery.Subscription != state.Subscription || state.Subscription == Guid.Empty)
            {
                return -1;
            }

            var now = _real.GetTimestamp();
            state.LastHeard = now;
            if (state.Epoch == 0 && !malformed)
            {
                state.Epoch = delivery.Epoch;
            }

            if (malformed)
            {
                problem = "malformed";
            }
            else if (delivery.Epoch != state.Epoch)
            {
                problem = "new_epoch";
            }
            else if (delivery.Closing)
            {
                problem = delivery.CloseReason == "tracking_limit" ? "tracking_limit" : "feed_closing";
            }
            else if (batch)
            {
                if (!state.Receive(delivery.Sequence, now))
                {
                    // A copy of a batch already applied.
                    return state.NextSequence - 1;
                }

                if (state.Ahead.Count > PartitionFeedState.MaxAhead)
                {
                    problem = "gap";
                }
            }
            else
            {
                state.Saw(delivery.Sequence, now);
            }

            confirmed = problem is null ? state.NextSequence - 1 : -1;
        }

        // Applying an invalidation is always safe, whatever its order or the state of the numbering: it only drops copies.
        for (var i = 0; i < items.Length; i++)
        {
            // A pattern, tag or "all" invalidation arrives once per partition; the first copy applies it everywhere.
            if (IsValid(items[i]) && (items[i].Kind == InvalidationKind.Key || _broadOperations.Add(items[i].Operation)))
            {
                _apply(items[i]);
            }
        }

        if (batch && delivery.PublishedAtUnixMicroseconds > 0)
        {
            _metrics.DeliveryLag(Math.Max(0, UnixMicroseconds() - delivery.PublishedAtUnixMicroseconds) / 1000.0);
        }

        if (problem is not null)
        {
            if (malformed)
            {
                LogMalformedDelivery(_logger, _name);
            }

            LogMissed(_logger, _name, delivery.Partition, problem, delivery.Sequence);
            Resync(state, problem);
        }

        return confirmed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_watchdog is not null)
        {
            await _watchdog.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var state in _partitions)
        {
            lock (state.Lock)
            {
                state.Live = false;
                state.Subscribed.TrySetResult();
            }
        }

        // Tell the feeds, so they stop sending at once rather than when a delivery fails; best effort.
        var unsubscribes = _partitions.Where(p => p.Subscription != Guid.Empty).Select(p => _grains.Feed(p.Partition).UnsubscribeAsync(p.Subscription));
        try
        {
            await Task.WhenAll(unsubscribes).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogUnsubscribeFailed(_logger, _name, ex.Message);
        }

        if (_reference is not null)
        {
            try
            {
                _grains.Factory.DeleteObjectReference<IInvalidationObserver>(_reference);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // The client is already gone; so is the reference.
            }
        }

        // _stopping is not disposed: rounds still winding down read its token, and it holds no timer.
    }

    private IInvalidationObserver Reference() => _reference ??= _grains.Factory.CreateObjectReference<IInvalidationObserver>(_observer);

    private bool AllValid(Invalidation[] items)
    {
        foreach (var item in items)
        {
            if (!IsValid(item))
            {
                return false;
            }
        }

        return true;
    }

    private bool IsValid(in Invalidation item) => item.Kind switch
    {
        InvalidationKind.Key or InvalidationKind.Pattern or InvalidationKind.Tag => item.Target is { Length: > 0 } target && target.Length <= _options.MaxKeyLength,
        InvalidationKind.All => true,
        _ => false,
    };

    private long UnixMicroseconds() => (_time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}
