using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Placement;

namespace OrleansCache.Grains.Feeds;

/// <summary>
/// The invalidation feed of one partition. Every subscriber gets its own numbered stream: each publish goes out at
/// once, one-way, as the next batch; a heartbeat call every interval carries the last number sent and brings back how
/// far the client has received (docs/adr/0043).
/// </summary>
/// <remarks>
/// <para>
/// One-way sends keep an invalidation's path as short as Orleans allows (measured: about half the latency of waiting
/// for each batch's answer with 10 clients, bench/OrleansCache.DeliveryCandidates). They give no order and no word of
/// loss, so the numbers do: a client missing a number that a later batch or heartbeat shows was sent, for longer than
/// batches are ever reordered, resynchronizes. The feed's epoch is new with every activation; a client that sees
/// another, a closing batch, or nothing for its silence timeout resynchronizes too (G3).
/// </para>
/// <para>
/// Memory is bounded per subscriber: nothing is queued here, and a client that confirms less than
/// <see cref="CacheSiloOptions.MaxUnconfirmedBatchesPerClient"/> behind, or tracks more than its share of
/// <see cref="CacheSiloOptions.MaxTrackedKeysPerClient"/>, is told to subscribe anew. A subscriber whose heartbeats
/// fail twice is let go; its client, hearing nothing more, notices by silence.
/// </para>
/// </remarks>
[GrainType(CacheGrainTypes.FeedName), CachePartitionPlacement, CollectionAgeLimit(AlwaysActive = true)]
internal sealed partial class InvalidationFeedGrain : Grain, IInvalidationFeedGrain
{
    private readonly Dictionary<Guid, FeedSubscriber> _subscribers = [];
    private readonly CacheSiloOptions _options;
    private readonly CacheSiloMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FeedTestHooks? _hooks;
    private readonly long _epoch = Random.Shared.NextInt64(1, long.MaxValue);
    private readonly int _maxTrackedKeys;
    private int _partition;
    private IGrainTimer? _heartbeat;

    public InvalidationFeedGrain(IOptions<CacheSiloOptions> options, CacheSiloMetrics metrics, TimeProvider time, ILogger<InvalidationFeedGrain> logger, FeedTestHooks? hooks = null)
    {
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _hooks = hooks;
        _maxTrackedKeys = TrackedKeysPerPartition(_options.MaxTrackedKeysPerClient);
    }

    /// <summary>
    /// A partition's share of <see cref="CacheSiloOptions.MaxTrackedKeysPerClient"/>: an even split and an eighth more,
    /// at least 100. Keys spread over the partitions by hash, never evenly; with an even split a client that holds about
    /// its limit would start its fullest partitions over and over (1M keys: 62,500 per partition on average, a few
    /// hundred more in the fullest).
    /// </summary>
    internal static int TrackedKeysPerPartition(int maxTrackedKeysPerClient)
    {
        var even = maxTrackedKeysPerClient / CachePartitions.Count;
        return Math.Max(100, even + even / 8);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _partition = (int)this.GetPrimaryKeyLong();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Subscribers would otherwise learn that this feed is gone only by its silence; a closing batch lets them
        // subscribe to the next activation at once. Best effort: a subscriber that misses it still notices the silence.
        var closing = _subscribers.Values.Select(s => Close(s, "closing")).ToList();
        _subscribers.Clear();
        try
        {
            await Task.WhenAll(closing).WaitAsync(TimeSpan.FromSeconds(1), _time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            var pending = closing.Count(t => !t.IsCompleted);
            LogClosingUnfinished(_logger, _partition, pending);
        }
    }

    public Task<FeedPosition> SubscribeAsync(IInvalidationObserver observer, FeedSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(subscription);
        if (_subscribers.TryGetValue(subscription.Id, out var existing))
        {
            // The same subscribe sent again (the first answer was lost): keep its numbering.
            existing.Observer = observer;
        }
        else
        {
            _subscribers[subscription.Id] = new FeedSubscriber(subscription.Id, observer, subscription.Prefixes ?? []);
            _heartbeat ??= this.RegisterGrainTimer(SendHeartbeats, new GrainTimerCreationOptions(_options.FeedHeartbeatInterval, _options.FeedHeartbeatInterval) { Interleave = true });
        }

        return Task.FromResult(new FeedPosition(_epoch, _options.FeedHeartbeatInterval));
    }

    public Task UnsubscribeAsync(Guid subscription)
    {
        if (_subscribers.Remove(subscription, out var subscriber))
        {
            subscriber.Ended = true;
        }

        return Task.CompletedTask;
    }

    public Task<bool> TrackAsync(Guid subscription, string key) => Task.FromResult(Track(subscription, key));

    public Task<bool> TrackAndPublishAsync(Guid subscription, string key, Invalidation[] items)
    {
        var tracked = Track(subscription, key);
        Publish(items);
        return Task.FromResult(tracked);
    }

    private bool Track(Guid subscription, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_subscribers.TryGetValue(subscription, out var subscriber))
        {
            return false;
        }

        if (subscriber.Tracked.Add(key) && subscriber.Tracked.Count > _maxTrackedKeys)
        {
            // Past its share: rather than forget some keys (their grains would not register them again), end the
            // subscription; the client starts the partition over under a new one.
            End(subscriber, "tracking_limit");
            return false;
        }

        return true;
    }

    public Task PublishAsync(Invalidation[] items)
    {
        Publish(items);
        return Task.CompletedTask;
    }

    private void Publish(Invalidation[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var stamp = InvalidationClock.UnixMicroseconds(_time);
        foreach (var subscriber in _subscribers.Values)
        {
            var batch = ConcernedItems(subscriber, items);
            if (batch.Length > 0)
            {
                Push(subscriber, new InvalidationDelivery(_partition, subscriber.Id, _epoch, ++subscriber.Sequence, batch, stamp, Closing: false));
            }
        }
    }

    /// <summary>
    /// The items that concern <paramref name="subscriber"/>: usually all of them, and then the caller's array goes out
    /// as it is, so publishing to many subscribers allocates nothing per subscriber but its delivery.
    /// </summary>
    private static Invalidation[] ConcernedItems(FeedSubscriber subscriber, Invalidation[] items)
    {
        var count = 0;
        foreach (var item in items)
        {
            count += subscriber.Concerns(item) ? 1 : 0;
        }

        if (count == items.Length)
        {
            return items;
        }

        if (count == 0)
        {
            return [];
        }

        var concerned = new Invalidation[count];
        var next = 0;
        foreach (var item in items)
        {
            if (subscriber.Concerns(item))
            {
                concerned[next++] = item;
            }
        }

        return concerned;
    }

    private void Push(FeedSubscriber subscriber, InvalidationDelivery delivery)
    {
        if (_hooks?.Withhold?.Invoke(delivery) == true)
        {
            return;
        }

        _metrics.BatchSent(delivery.Items.Length);
        // One-way: the task completes once the message is on its way; a failure to send it shows as a missing number.
        var sent = subscriber.Observer.PushAsync(delivery);
        if (!sent.IsCompletedSuccessfully)
        {
            sent.Ignore();
        }
    }

    private Task SendHeartbeats(CancellationToken cancellationToken)
    {
        foreach (var subscriber in _subscribers.Values)
        {
            if (!subscriber.HeartbeatInFlight)
            {
                subscriber.HeartbeatInFlight = true;
                _ = HeartbeatAsync(subscriber);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Sends one heartbeat and acts on the answer: how far the client has received, or that it declines.</summary>
    private async Task HeartbeatAsync(FeedSubscriber subscriber)
    {
        try
        {
            var heartbeat = new InvalidationDelivery(_partition, subscriber.Id, _epoch, subscriber.Sequence, [], InvalidationClock.UnixMicroseconds(_time), Closing: false);
            if (_hooks?.Withhold?.Invoke(heartbeat) == true)
            {
                return;
            }

            long confirmed;
            var sentAt = _time.GetTimestamp();
            try
            {
                confirmed = await subscriber.Observer.DeliverAsync(heartbeat).WaitAsync(_options.FeedDeliveryTimeout, _time);
                _metrics.Heartbeat(_time.GetElapsedTime(sentAt).TotalMilliseconds);
            }
            catch (Exception ex) when (!subscriber.Ended)
            {
                _metrics.Heartbeat(roundTripMilliseconds: null);
                if (++subscriber.HeartbeatFailures >= 2)
                {
                    LogSubscriberUnreachable(_logger, _partition, subscriber.Id, ex.Message);
                    End(subscriber, "unreachable", notify: false);
                }

                return;
            }

            subscriber.HeartbeatFailures = 0;
            if (confirmed < 0)
            {
                End(subscriber, "declined", notify: false);
                return;
            }

            subscriber.Confirmed = Math.Max(subscriber.Confirmed, confirmed);
            if (subscriber.Sequence - subscriber.Confirmed > _options.MaxUnconfirmedBatchesPerClient)
            {
                End(subscriber, "overflow");
            }
        }
        finally
        {
            subscriber.HeartbeatInFlight = false;
        }
    }

    /// <summary>Lets a subscription go; with <paramref name="notify"/>, tells its client with a closing batch (best effort).</summary>
    private void End(FeedSubscriber subscriber, string reason, bool notify = true)
    {
        if (subscriber.Ended)
        {
            return;
        }

        _subscribers.Remove(subscriber.Id);
        _metrics.SubscriptionEnded(reason);
        LogSubscriptionEnded(_logger, _partition, subscriber.Id, reason);
        if (notify)
        {
            _ = Close(subscriber, reason);
        }
        else
        {
            subscriber.Ended = true;
        }
    }

    private async Task Close(FeedSubscriber subscriber, string reason)
    {
        subscriber.Ended = true;
        try
        {
            var delivery = new InvalidationDelivery(_partition, subscriber.Id, _epoch, subscriber.Sequence, [], InvalidationClock.UnixMicroseconds(_time), Closing: true, reason);
            await subscriber.Observer.DeliverAsync(delivery).WaitAsync(_options.FeedDeliveryTimeout, _time);
        }
        catch (Exception ex)
        {
            // The client notices by silence instead.
            LogClosingFailed(_logger, _partition, subscriber.Id, reason, ex.Message);
        }
    }

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Feed {Partition}: subscription {Subscription} is unreachable ({Reason}); letting it go")]
    private static partial void LogSubscriberUnreachable(ILogger logger, int partition, Guid subscription, string reason);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Feed {Partition}: ended subscription {Subscription} ({Reason})")]
    private static partial void LogSubscriptionEnded(ILogger logger, int partition, Guid subscription, string reason);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Debug, Message = "Feed {Partition}: could not tell subscription {Subscription} it ended ({Reason}): {Error}")]
    private static partial void LogClosingFailed(ILogger logger, int partition, Guid subscription, string reason, string error);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Information, Message = "Feed {Partition}: deactivated with {Pending} closing batches unanswered")]
    private static partial void LogClosingUnfinished(ILogger logger, int partition, int pending);
}
