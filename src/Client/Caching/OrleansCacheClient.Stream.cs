using Google.Protobuf;
using OrleansCache.Core.Protocol;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Interfaces.Protocol;

namespace OrleansCache.Client.Caching;

/// <summary>The invalidation stream: applying pushes, noticing gaps, and revalidating after anything may have been missed.</summary>
internal sealed partial class OrleansCacheClient
{
    private readonly Lock _streamLock = new();
    private readonly Lock _revalidationLock = new();
    private object? _streamConnection;
    private ulong _lastSequence;
    private bool _revalidating;
    private string? _pendingRevalidation;

    /// <summary>Raised after each revalidation with the entries kept and dropped (tests and diagnostics).</summary>
    internal event Action<int, int>? Revalidated;

    /// <summary>Completes after the next revalidation (tests).</summary>
    internal Task NextRevalidation()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRevalidated(int kept, int dropped)
        {
            Revalidated -= OnRevalidated;
            done.TrySetResult();
        }

        Revalidated += OnRevalidated;
        return done.Task;
    }

    /// <summary>Handles one push from the gateway (internal so the fuzz suite can feed it pushes directly).</summary>
    internal void OnPush(Push push, object connection)
    {
        bool gap;
        lock (_streamLock)
        {
            if (!ReferenceEquals(connection, _streamConnection))
            {
                // A new connection numbers from 1; reconnecting already triggers a revalidation.
                _streamConnection = connection;
                _lastSequence = 0;
            }

            gap = push.Sequence != _lastSequence + 1;
            _lastSequence = push.Sequence;
        }

        if (gap)
        {
            LogSequenceGap(_logger, push.Sequence);
            StartRevalidation("sequence_gap");
        }

        switch (push.Stream)
        {
            case CacheStreams.Invalidations:
                ApplyBatch(push.Payload);
                break;
            case CacheStreams.Resync:
                StartRevalidation("resync_requested");
                break;
        }
    }

    private void ApplyBatch(ByteString payload)
    {
        if (!PeerMessageParser<InvalidationBatch>.TryParse(payload, out var batch, out _))
        {
            // Cannot tell what changed: treat everything as suspect.
            StartRevalidation("malformed_push");
            return;
        }

        // Indexed: a RepeatedField's enumerator is an allocation per push.
        var items = batch.Items;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            switch (item.TargetCase)
            {
                case Grains.Interfaces.Protocol.Invalidation.TargetOneofCase.Key:
                    ApplyKey(item.Key, CacheVersion.FromWire(item.Version));
                    break;
                case Grains.Interfaces.Protocol.Invalidation.TargetOneofCase.Pattern:
                    ApplyPattern(item.Pattern);
                    break;
                case Grains.Interfaces.Protocol.Invalidation.TargetOneofCase.Tag:
                    ApplyTag(item.Tag);
                    break;
                case Grains.Interfaces.Protocol.Invalidation.TargetOneofCase.All:
                    ApplyAll();
                    break;
            }
        }
    }

    private void ApplyKey(string key, CacheVersion version)
    {
        _cluster.ObserveMembershipVersion(version.Era);
        var dropped = _near.Invalidate(key, version);
        _metrics.InvalidationReceived(dropped > 0);
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.Key, key, dropped, version));
    }

    private void ApplyPattern(string pattern)
    {
        var dropped = _near.InvalidateWhere(e => GlobPattern.IsMatch(pattern, e.Key), key => GlobPattern.IsMatch(pattern, key));
        _metrics.InvalidationReceived(dropped > 0);
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.Pattern, pattern, dropped));
    }

    private void ApplyTag(string tag)
    {
        // A fill in flight does not know its tags yet, so every fill is voided.
        var dropped = _near.InvalidateWhere(e => e.Tags.Contains(tag, StringComparer.Ordinal), _ => true);
        _metrics.InvalidationReceived(dropped > 0);
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.Tag, tag, dropped));
    }

    private void ApplyAll()
    {
        var dropped = _near.InvalidateWhere(_ => true, _ => true);
        _metrics.InvalidationReceived(dropped > 0);
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.All, null, dropped));
    }

    private void OnDisconnected(object? sender, GatewayDisconnectedEventArgs e)
    {
        // From now on invalidations may be missed: nothing local is served until revalidated after reconnecting.
        _near.Distrust();
    }

    private void OnConnected(object? sender, GatewayConnectedEventArgs e)
    {
        if (_options.BroadcastPrefixes.Count > 0)
        {
            var subscription = new Subscription();
            subscription.Prefixes.AddRange(_options.BroadcastPrefixes);
            _ = PostQuietlyAsync(subscription);
        }

        if (e.IsReconnect)
        {
            StartRevalidation("reconnected");
        }
    }

    /// <summary>Starts a revalidation, or, if one is running, makes it run once more after it finishes.</summary>
    private void StartRevalidation(string reason)
    {
        lock (_revalidationLock)
        {
            _pendingRevalidation = reason;
            if (_revalidating)
            {
                return;
            }

            _revalidating = true;
        }

        _ = Task.Run(RunRevalidationsAsync);
    }

    private async Task RunRevalidationsAsync()
    {
        while (true)
        {
            string reason;
            lock (_revalidationLock)
            {
                if (_pendingRevalidation is null)
                {
                    _revalidating = false;
                    return;
                }

                reason = _pendingRevalidation;
                _pendingRevalidation = null;
            }

            await RevalidateAsync(reason).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Distrusts every entry, then asks the cluster for the current version of each, in batches: a copy at the current
    /// version is trusted again (kept, not refetched); any other is dropped. The keys are registered for tracking with
    /// the gateway first, so a change after the check is pushed here.
    /// </summary>
    private async Task RevalidateAsync(string reason)
    {
        _metrics.Revalidation(reason);
        var (epoch, entries) = _near.Distrust();
        int kept = 0, dropped = 0;
        try
        {
            foreach (var batch in entries.Chunk(_options.RevalidationBatchSize))
            {
                var keys = batch.Select(e => e.Key).ToArray();
                var track = new Subscription();
                track.Track.AddRange(keys);
                await _cluster.PostAsync(CacheStreams.Subscription, track.ToByteString(), CancellationToken.None).ConfigureAwait(false);
                var versions = await IdempotentAsync(() => Coordinator().CheckVersionsAsync(keys), CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < keys.Length; i++)
                {
                    if (_near.Confirm(keys[i], versions[i], epoch))
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
        catch (Exception ex)
        {
            // What was not confirmed stays distrusted (read from the cluster); the next reconnect revalidates again.
            LogRevalidationFailed(_logger, reason, ex.Message);
        }

        _metrics.Revalidated(kept, dropped);
        LogRevalidated(_logger, reason, kept, dropped);
        Invalidated?.Invoke(this, new CacheInvalidatedEventArgs(CacheInvalidationKind.Resync, null, dropped));
        Revalidated?.Invoke(kept, dropped);
    }

    private async Task PostQuietlyAsync(Subscription subscription)
    {
        try
        {
            await _cluster.PostAsync(CacheStreams.Subscription, subscription.ToByteString(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogSubscribeFailed(_logger, ex.Message);
        }
    }
}
