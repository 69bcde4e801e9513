using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansCache.Redis.Bridge.Parsing;
using OrleansCache.Redis.Connection;
using OrleansCache.Redis.Diagnostics;
using StackExchange.Redis;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// The pub/sub inbound paths: canonical JSON and typed events on channels, and keyspace notifications. Every silo
/// subscribes and so receives every message; the one <see cref="ApplyOnceRouter"/> chooses validates and applies it,
/// so each message is applied once per key across the cluster, not once per silo.
/// </summary>
/// <remarks>
/// <para>
/// Messages are handed from StackExchange.Redis' reader to a bounded queue at once (sizes checked before anything is
/// copied) and applied by a few workers. Messages the cluster published itself (its <c>source</c>) are ignored.
/// </para>
/// <para>
/// Pub/sub loses what is published while a subscriber is disconnected, and nothing in the cluster changed, so no
/// version check can reveal the loss. When this silo's subscription comes back (or its queue overflowed), it
/// invalidates every key under the typed channels' and keyspace prefixes (or everything, if configured), and counts
/// and logs the possible loss of canonical messages, which could have named any key: publishers that need every
/// message applied use the stream.
/// </para>
/// </remarks>
internal sealed partial class InboundBridge : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>
    /// Longest keyspace channel kept whole: the prefix <c>__keyspace@NN__:</c> and a key of the longest length in UTF-8.
    /// Anyone can publish on a channel matching the subscription pattern, names of megabytes included.
    /// </summary>
    private readonly int _maxKeyspaceChannelLength;

    private readonly RedisConnection _redis;
    private readonly BridgeSettings _settings;
    private readonly ApplyOnceRouter _router;
    private readonly BridgeApplier _applier;
    private readonly RejectionLog _rejections;
    private readonly RedisMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<InboundMessage> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private ConnectionMultiplexer? _multiplexer;
    private Task[] _workers = [];
    private Task _resync = Task.CompletedTask;
    private int _resyncRequests;
    private long _lastDropLogged;

    public InboundBridge(RedisConnection redis, BridgeSettings settings, ApplyOnceRouter router, BridgeApplier applier, RejectionLog rejections, RedisMetrics metrics, TimeProvider time, ILogger<InboundBridge> logger)
    {
        _redis = redis;
        _settings = settings;
        _router = router;
        _applier = applier;
        _rejections = rejections;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _maxKeyspaceChannelLength = 32 + (4 * settings.Limits.MaxKeyLength);
        _queue = Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(settings.Options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = settings.Options.MaxConcurrentApplies == 1,
            SingleWriter = false,
        });
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(InboundBridge), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    /// <summary>Handles one message: routes, validates, applies. Internal for tests that feed messages directly.</summary>
    internal async Task HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        if (!_router.IsChosen(message.Channel, message.Payload))
        {
            _metrics.Skipped(message.Path);
            return;
        }

        var result = message.Refused is { } refused ? BridgeParseResult.Reject(refused) : Parse(message);
        if (result.Rejection is { } rejection)
        {
            _rejections.Rejected(message.Path, message.Channel, rejection);
            return;
        }

        var invalidation = result.Invalidation!;
        if (string.Equals(invalidation.Source, _settings.Source, StringComparison.Ordinal))
        {
            _metrics.Ignored(message.Path);
            return;
        }

        _metrics.Accepted(message.Path, invalidation.Kind);
        await _applier.ApplyAsync(message.Path, message.Channel, invalidation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Turns what StackExchange.Redis delivered into a queued message; called on its reader, so never blocks.</summary>
    internal InboundMessage Receive(string path, RedisChannel channel, RedisValue message, string? prefix)
    {
        var name = channel.ToString();
        var length = message.IsNull ? 0 : message.Length();
        if (length > _settings.Limits.MaxMessageBytes)
        {
            return new InboundMessage(path, UntrustedText.ForLog(name), [], prefix, BridgeJsonReader.TooLarge(length, _settings.Limits));
        }

        if (path == BridgePaths.Keyspace && name.Length > _maxKeyspaceChannelLength)
        {
            var refused = new BridgeRejection(BridgeRejectionReason.ValueTooLong, $"channel has {name.Length} characters; no key under the limit of {_settings.Limits.MaxKeyLength} gives that many");
            return new InboundMessage(path, UntrustedText.ForLog(name), [], prefix, refused);
        }

        return new InboundMessage(path, name, message.IsNull ? [] : (byte[])message!, prefix, null);
    }

    private BridgeParseResult Parse(InboundMessage message) => message.Path switch
    {
        BridgePaths.Canonical => CanonicalMessageParser.Parse(message.Payload, _settings.Limits),
        BridgePaths.Typed => TypedEventParser.Parse(message.Payload, message.Prefix!, _settings.Limits),
        _ => KeyspaceNotificationParser.Parse(message.Channel, message.Prefix!, _settings.Limits),
    };

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_settings.ListensOnPubSub)
        {
            return;
        }

        _workers = [.. Enumerable.Range(0, _settings.Options.MaxConcurrentApplies).Select(_ => Task.Run(() => WorkAsync(_stopping.Token), CancellationToken.None))];
        var multiplexer = await _redis.GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        multiplexer.ConnectionRestored += OnConnectionRestored;
        _multiplexer = multiplexer;
        var subscriber = multiplexer.GetSubscriber();
        foreach (var channel in _settings.CanonicalChannels)
        {
            await Subscribe(subscriber, RedisChannel.Literal(channel), BridgePaths.Canonical, prefix: null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var typed in _settings.TypedChannels)
        {
            await Subscribe(subscriber, RedisChannel.Literal(typed.Channel), BridgePaths.Typed, typed.Prefix, cancellationToken).ConfigureAwait(false);
        }

        foreach (var prefix in _settings.KeyspacePrefixes)
        {
            // Any database: the notification's channel names it, and the parser accepts any number.
            await Subscribe(subscriber, RedisChannel.Pattern($"__keyspace@*__:{prefix}*"), BridgePaths.Keyspace, prefix, cancellationToken).ConfigureAwait(false);
        }

        LogStarted(_logger, _settings.CanonicalChannels.Length, _settings.TypedChannels.Length, _settings.KeyspacePrefixes.Length, _settings.Source);
    }

    private Task Subscribe(ISubscriber subscriber, RedisChannel channel, string path, string? prefix, CancellationToken cancellationToken) =>
        _redis.BoundAsync(subscriber.SubscribeAsync(channel, (c, m) => Enqueue(path, c, m, prefix)), cancellationToken);

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_multiplexer is { } multiplexer)
        {
            multiplexer.ConnectionRestored -= OnConnectionRestored;
            try
            {
                await _redis.BoundAsync(multiplexer.GetSubscriber().UnsubscribeAllAsync(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
            {
                // Redis is unreachable or the silo is in a hurry: the subscriptions end with the connection anyway.
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    var error = UntrustedText.ForLog(ex.Message);
                    LogUnsubscribeFailed(_logger, error);
                }
            }
        }

        // Messages already queued are applied if the silo gives the time; the rest are lost with this silo, as they
        // would be with a crash, and the other silos' next view change covers them by the previous-view rule.
        _queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _resync.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Enqueue(string path, RedisChannel channel, RedisValue message, string? prefix)
    {
        if (_queue.Writer.TryWrite(Receive(path, channel, message, prefix)))
        {
            return;
        }

        _metrics.Dropped(path);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropLogged);
        if ((last == 0 || _time.GetElapsedTime(last, now) >= _settings.Options.RejectionLogInterval)
            && Interlocked.CompareExchange(ref _lastDropLogged, now, last) == last)
        {
            LogDropped(_logger, path, _settings.Options.QueueCapacity);
        }

        // Dropped is lost: the same remedy as a lost connection.
        RequestResync();
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await HandleAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Never expected (parsers and the applier do not throw); one message must not stop the worker.
                    LogHandleFailed(_logger, message.Path, ex.GetType().Name, UntrustedText.ForLog(ex.Message));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Pub/sub rides the subscription connection with RESP2, the interactive one with RESP3.
        if (e.ConnectionType == ConnectionType.Subscription
            || (e.ConnectionType == ConnectionType.Interactive && UsesResp3(e.EndPoint)))
        {
            RequestResync();
        }
    }

    private bool UsesResp3(System.Net.EndPoint? endPoint)
    {
        try
        {
            return endPoint is not null && _multiplexer?.GetServer(endPoint).Protocol == RedisProtocol.Resp3;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or RedisException)
        {
            return false;
        }
    }

    /// <summary>Asks for one resynchronization; requests arriving while one runs are folded into one more run.</summary>
    private void RequestResync()
    {
        if (Interlocked.Increment(ref _resyncRequests) == 1)
        {
            _resync = Task.Run(ResyncAsync, CancellationToken.None);
        }
    }

    private async Task ResyncAsync()
    {
        do
        {
            Volatile.Write(ref _resyncRequests, 1);
            await ResyncOnceAsync().ConfigureAwait(false);
        }
        while (Interlocked.Decrement(ref _resyncRequests) > 0);
    }

    private async Task ResyncOnceAsync()
    {
        var options = _settings.Options;
        string[] prefixes = [.. _settings.TypedChannels.Select(t => t.Prefix), .. _settings.KeyspacePrefixes];
        var action = options.InvalidateAllOnReconnect ? "all" : options.InvalidatePrefixesOnReconnect && prefixes.Length > 0 ? "prefixes" : "warned";
        _metrics.Reconnected(action);
        LogMessagesMayBeLost(_logger, _settings.CanonicalChannels.Length, action);
        try
        {
            if (action == "all")
            {
                await _applier.InvalidateAllAsync().ConfigureAwait(false);
            }
            else if (action == "prefixes")
            {
                foreach (var prefix in prefixes.Distinct(StringComparer.Ordinal))
                {
                    await _applier.InvalidatePrefixAsync(prefix).ConfigureAwait(false);
                }
            }

            // Operators (and tests) learn when the keys a lost message could name are safe to cache again.
            LogResynchronized(_logger, action);
        }
        catch (Exception ex)
        {
            LogResyncFailed(_logger, action, ex.GetType().Name, UntrustedText.ForLog(ex.Message));
        }
    }

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Redis bridge listening: {Channels} canonical channels, {TypedChannels} typed channels, {KeyspacePrefixes} keyspace prefixes; ignoring messages from source {Source}")]
    private static partial void LogStarted(ILogger logger, int channels, int typedChannels, int keyspacePrefixes, string source);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Redis bridge queue is full ({Capacity} messages): dropped a {Path} message; keys under the configured prefixes are invalidated once it drains")]
    private static partial void LogDropped(ILogger logger, string path, int capacity);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Redis bridge pub/sub messages may have been lost (connection restored or queue overflow); {Channels} canonical channels cannot be recovered (use the stream for those); action taken: {Action}")]
    private static partial void LogMessagesMayBeLost(ILogger logger, int channels, string action);

    [LoggerMessage(EventId = 5208, Level = LogLevel.Information, Message = "Redis bridge resynchronized after pub/sub messages may have been lost; action taken: {Action}")]
    private static partial void LogResynchronized(ILogger logger, string action);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Error, Message = "Redis bridge could not invalidate after lost messages ({Action}): {ErrorType}: {Error}")]
    private static partial void LogResyncFailed(ILogger logger, string action, string errorType, string error);

    [LoggerMessage(EventId = 5206, Level = LogLevel.Debug, Message = "Unsubscribing the Redis bridge failed: {Error}")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 5207, Level = LogLevel.Error, Message = "Redis bridge failed to handle a {Path} message: {ErrorType}: {Error}")]
    private static partial void LogHandleFailed(ILogger logger, string path, string errorType, string error);
}
