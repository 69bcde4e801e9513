using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Feeds;

/// <summary>
/// Resynchronization: a partition that may have missed an invalidation stops serving its entries, subscribes again
/// under a new id, and revalidates what it held by batch version check; and the watchdog that finds silent feeds.
/// </summary>
internal sealed partial class InvalidationConsumer
{
    /// <summary>
    /// Stops serving the partition's entries now, then (in the background) subscribes again and revalidates them; if
    /// a round is running, it runs once more after it.
    /// </summary>
    private void Resync(PartitionFeedState state, string reason)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        lock (state.Lock)
        {
            state.StopLive();

            // A reason already pending stays (it is what will be reported and counted), unless it is the first
            // subscription's, which revalidates nothing.
            if (state.PendingReason is null or "start")
            {
                state.PendingReason = reason;
            }

            // The entries stop being served now, before anything is sent, also when a round is running already (its
            // revalidation began before this problem and cannot vouch for the entries any more); revalidation confirms
            // the current ones. Under the lock that sets the pending reason: a round that takes the reason must come
            // after this distrust, or its confirmations would not count and no round would follow to make them.
            if (reason != "start")
            {
                _near.Distrust(state.Partition);
            }

            if (state.Resyncing)
            {
                return;
            }

            state.Resyncing = true;
        }

        _ = Task.Run(() => RunResyncsAsync(state));
    }

    private async Task RunResyncsAsync(PartitionFeedState state)
    {
        while (true)
        {
            string reason;
            (long TrustEpoch, List<KeyValuePair<string, CacheVersion>> Entries) distrusted = default;
            lock (state.Lock)
            {
                if (state.PendingReason is null || _stopping.IsCancellationRequested)
                {
                    state.Resyncing = false;
                    return;
                }

                reason = state.PendingReason;
                state.PendingReason = null;

                // A problem that came while the previous round was subscribing left its subscription to go live when
                // the feed answered. This round replaces it: from the distrust below, reads must not register it (the
                // round revalidates only what is held now, and subscribes anew), so they wait for this round's.
                state.StopLive();

                // The trust epoch this round confirms under; any later problem distrusts again and leaves a reason for
                // the next round.
                if (reason != "start")
                {
                    distrusted = _near.Distrust(state.Partition);
                }
            }

            try
            {
                await ResyncOnceAsync(state, reason, distrusted.TrustEpoch, distrusted.Entries ?? []).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                lock (state.Lock)
                {
                    state.Resyncing = false;
                }

                return;
            }
            catch (Exception ex)
            {
                // Whatever failed, the loop must go on: a round that ended by an exception would otherwise leave the
                // partition resyncing for good, its entries distrusted and never revalidated.
                LogRevalidationFailed(_logger, _name, state.Partition, reason, ex.Message);
                lock (state.Lock)
                {
                    state.PendingReason ??= "revalidation_failed";
                }

                await Task.Delay(MaxRetryDelay, _real).ConfigureAwait(false);
            }
        }
    }

    private async Task ResyncOnceAsync(PartitionFeedState state, string reason, long trustEpoch, List<KeyValuePair<string, CacheVersion>> entries)
    {
        _metrics.Resync(reason);
        LogResyncing(_logger, _name, state.Partition, reason, entries.Count);
        if (reason == "start")
        {
            // Nothing is held yet, and a read that began meanwhile waits for this subscription and registers it: its
            // fill must not be voided.
            await SubscribeAsync(state, reason).ConfigureAwait(false);
            return;
        }

        if (reason == "tracking_limit")
        {
            // The feed keeps only so many keys per subscriber: registering all of them again under the next
            // subscription would end it again. The partition starts over instead; reads register what is used.
            _near.DropPartition(state.Partition);
            entries = [];
        }

        var subscription = await SubscribeAsync(state, reason).ConfigureAwait(false);
        if (entries.Count == 0)
        {
            return;
        }

        int kept = 0, dropped = 0;
        try
        {
            var coordinator = _grains.Coordinator();
            foreach (var batch in entries.Chunk(_options.RevalidationBatchSize))
            {
                _stopping.Token.ThrowIfCancellationRequested();
                var keys = batch.Select(e => e.Key).ToArray();
                var versions = await coordinator.CheckVersionsAsync(keys, subscription).WaitAsync(_options.RetryTimeout, _real, _stopping.Token).ConfigureAwait(false);
                for (var i = 0; i < keys.Length; i++)
                {
                    if (_near.Confirm(keys[i], versions[i], trustEpoch))
                    {
                        kept++;
                    }
                    else
                    {
                        dropped++;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // What was not confirmed stays unserved (read from the cluster); the partition tries again.
            LogRevalidationFailed(_logger, _name, state.Partition, reason, ex.Message);
            Resync(state, "revalidation_failed");
            return;
        }

        if (!_near.IsTrustEpoch(state.Partition, trustEpoch))
        {
            // A newer problem distrusted the partition while this round ran: its confirmations did not count, and the
            // round that follows revalidates and reports.
            return;
        }

        _metrics.Revalidated(kept, dropped);
        LogRevalidated(_logger, _name, state.Partition, reason, kept, dropped);
        Revalidated?.Invoke(state.Partition, kept, dropped);
    }

    /// <summary>Subscribes under a new id until the feed answers; then the partition is live.</summary>
    private async Task<Guid> SubscribeAsync(PartitionFeedState state, string reason)
    {
        var feed = _grains.Feed(state.Partition);
        Guid previous;
        var subscription = Guid.NewGuid();
        lock (state.Lock)
        {
            previous = state.Subscription;
            state.Reset(subscription);
        }

        if (previous != Guid.Empty)
        {
            // Best effort: a feed that still has it also lets it go when this client declines its next batch. A call
            // can also fail as it is made (the client has no gateway): that must not end the round.
            try
            {
                _ = feed.UnsubscribeAsync(previous).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSubscribeFailed(_logger, _name, state.Partition, ex.Message);
            }
        }

        var delay = TimeSpan.FromMilliseconds(50);
        var attemptTimeout = SubscribeAttemptTimeout < _options.RetryTimeout ? SubscribeAttemptTimeout : _options.RetryTimeout;
        while (true)
        {
            _stopping.Token.ThrowIfCancellationRequested();
            Task<FeedPosition>? attempt = null;
            try
            {
                attempt = feed.SubscribeAsync(Reference(), new FeedSubscription(subscription, [.. _options.BroadcastPrefixes]));
                var position = await attempt.WaitAsync(attemptTimeout, _real, _stopping.Token).ConfigureAwait(false);
                lock (state.Lock)
                {
                    if (state.Subscription != subscription)
                    {
                        return subscription;
                    }

                    if (state.Epoch != 0 && state.Epoch != position.Epoch)
                    {
                        // A batch from another activation of the feed arrived first: this subscription is already stale.
                        state.PendingReason ??= "new_epoch";
                    }

                    state.Epoch = position.Epoch;
                    state.LastHeard = _real.GetTimestamp();
                    state.Live = true;
                    state.Subscribed.TrySetResult();
                }

                LogSubscribed(_logger, _name, state.Partition, subscription, position.Epoch, reason);
                return subscription;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                // An attempt given up on may still fail later: observe it.
                _ = attempt?.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                LogSubscribeFailed(_logger, _name, state.Partition, ex.Message);
                await Task.Delay(delay, _real, _stopping.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    /// <summary>
    /// Resynchronizes a partition whose feed has been silent for the silence timeout, or which has been missing a batch
    /// (one a later batch or heartbeat shows was sent) for longer than batches are ever reordered.
    /// </summary>
    private void CheckFeeds()
    {
        var now = _real.GetTimestamp();
        foreach (var state in _partitions)
        {
            string? problem = null;
            long missing = 0;
            lock (state.Lock)
            {
                if (state.Live && _real.GetElapsedTime(state.LastHeard, now) > _options.FeedSilenceTimeout)
                {
                    problem = "silence";
                }
                else if (state.Live && state.MissingSince != 0 && _real.GetElapsedTime(state.MissingSince, now) > _options.FeedReorderWindow)
                {
                    problem = "gap";
                    missing = state.NextSequence;
                }
            }

            if (problem is not null)
            {
                LogMissed(_logger, _name, state.Partition, problem, missing);
                Resync(state, problem);
            }
        }
    }
}
