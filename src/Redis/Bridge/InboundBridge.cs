using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Core;
using OrleansCache.Grains;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Invalidation;
using OrleansCache.Redis.Connection;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Placement;
using StackExchange.Redis;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// Takes invalidations from Redis (canonical JSON and typed events on pub/sub channels, keyspace notifications),
/// validates each strictly, and applies it once per key across the cluster.
/// </summary>
/// <remarks>
/// Every silo subscribes, so every silo sees every message. A key is invalidated only by the silo that owns it (through
/// its grain, locally), so the grain sees one invalidation per message, not one per silo. A pattern or "all" message is
/// run by one silo, chosen by hashing the message. Messages the cluster published itself (its <c>source</c>) are
/// ignored, so an outbound channel that is also an inbound one does not loop. When the Redis connection comes back,
/// messages may have been lost meanwhile, so this silo's clients revalidate (G3).
/// </remarks>
internal sealed partial class InboundBridge : IHostedService, IAsyncDisposable
{
    private const string CanonicalPath = "canonical";
    private const string TypedPath = "typed";
    private const string KeyspacePath = "keyspace";
    private const string StreamPath = "stream";

    private readonly RedisConnection _redis;
    private readonly RedisBridgeOptions _options;
    private readonly CacheSiloOptions _cache;
    private readonly GrainOwnership _ownership;
    private readonly IServiceProvider _services;
    private readonly InvalidationFanout _fanout;
    private readonly BridgeMetrics _metrics;
    private readonly RejectionLog _rejections;
    private readonly RecentBridgeRejections _recentRejections;
    private readonly ILogger _logger;
    private readonly BridgeLimits _limits;
    private readonly Channel<Inbound> _queue;
    private ConnectionMultiplexer? _multiplexer;
    private Task _processing = Task.CompletedTask;
    private int _disposed;

    public InboundBridge(
        RedisConnection redis,
        IOptions<RedisBridgeOptions> options,
        IOptions<SiloOptions> silo,
        IOptions<CacheSiloOptions> cache,
        GrainOwnership ownership,
        IServiceProvider services,
        InvalidationFanout fanout,
        BridgeMetrics metrics,
        RecentBridgeRejections recentRejections,
        TimeProvider time,
        ILogger<InboundBridge> logger)
    {
        _redis = redis;
        _options = options.Value;
        _cache = cache.Value;
        _ownership = ownership;
        _services = services;
        _fanout = fanout;
        _metrics = metrics;
        _recentRejections = recentRejections;
        _logger = logger;
        _rejections = new RejectionLog(logger, time, _options.RejectionLogInterval);
        OwnSource = OwnSourceOf(silo.Value.ClusterId);
        _limits = new BridgeLimits { MaxMessageBytes = _options.MaxMessageBytes, MaxKeyLength = _cache.MaxKeyLength, MaxBatchSize = _options.MaxBatchSize };
        _queue = Channel.CreateBounded<Inbound>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    }

    /// <summary>The <c>source</c> this cluster stamps on what it publishes.</summary>
    public string OwnSource { get; }

    public static string OwnSourceOf(string clusterId) => $"orleanscache:{clusterId}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var prefix in _options.TypedChannels.Values)
        {
            TypedEventParser.ValidateKeyPrefix(prefix, _limits);
        }

        _multiplexer = await _redis.MultiplexerAsync(cancellationToken).ConfigureAwait(false);
        _multiplexer.ConnectionRestored += OnConnectionRestored;
        var subscriber = _multiplexer.GetSubscriber();
        foreach (var channel in _options.Channels)
        {
            await subscriber.SubscribeAsync(channel, (c, m) => Enqueue(CanonicalPath, c, m, null)).ConfigureAwait(false);
        }

        foreach (var (channel, prefix) in _options.TypedChannels)
        {
            await subscriber.SubscribeAsync(channel, (c, m) => Enqueue(TypedPath, c, m, prefix)).ConfigureAwait(false);
        }

        foreach (var prefix in _options.KeyspacePrefixes)
        {
            var pattern = new RedisChannel($"__keyspace@*__:{prefix}*", RedisChannel.PatternMode.Pattern);
            await subscriber.SubscribeAsync(pattern, (c, m) => Enqueue(KeyspacePath, c, m, prefix)).ConfigureAwait(false);
        }

        _processing = Task.Run(ProcessAsync, CancellationToken.None);
        LogStarted(_logger, _options.Channels.Count, _options.TypedChannels.Count, _options.KeyspacePrefixes.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_multiplexer is { } multiplexer)
        {
            multiplexer.ConnectionRestored -= OnConnectionRestored;
            try
            {
                await multiplexer.GetSubscriber().UnsubscribeAllAsync().WaitAsync(_redis.OperationTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis is unreachable: the subscriptions end with the connection anyway.
                LogUnsubscribeFailed(_logger, ex.Message);
            }
        }

        _queue.Writer.TryComplete();
        await _processing.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as a hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Parses and applies one stream entry. Unlike pub/sub, only this silo sees it, so it applies every key (each through
    /// its owner). Returns false if applying failed and the entry must be retried; a rejected entry is done with.
    /// </summary>
    internal async Task<bool> HandleStreamEntryAsync(string stream, byte[] payload)
    {
        try
        {
            await HandleAsync(StreamPath, stream, payload, null, everyKey: true).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            LogApplyFailed(_logger, StreamPath, stream, ex);
            return false;
        }
    }

    /// <summary>Parses and applies one message.</summary>
    internal async Task HandleAsync(string path, string channel, byte[] payload, string? prefix, bool everyKey = false)
    {
        var result = path switch
        {
            CanonicalPath or StreamPath => CanonicalMessageParser.Parse(payload, _limits),
            TypedPath => TypedEventParser.Parse(payload, prefix!, _limits),
            _ => KeyspaceNotificationParser.Parse(channel, prefix!, _limits),
        };

        if (result.Rejection is { } rejection)
        {
            _metrics.Rejected(path, rejection.Reason);
            _rejections.Rejected(path, channel, rejection);
            _recentRejections.Add(path, channel, rejection, payload);
            return;
        }

        var invalidation = result.Invalidation!;
        if (string.Equals(invalidation.Source, OwnSource, StringComparison.Ordinal))
        {
            _metrics.Ignored();
            return;
        }

        _metrics.Accepted(path, invalidation.Kind);
        await ApplyAsync(invalidation, payload, everyKey).ConfigureAwait(false);
    }

    private void Enqueue(string path, RedisChannel channel, RedisValue message, string? prefix)
    {
        // Called on the Redis client's thread: hand over and return. Bytes are bounded before they are copied.
        byte[] payload = message.IsNull ? [] : (byte[])message!;
        if (!_queue.Writer.TryWrite(new Inbound(path, channel.ToString(), payload, prefix)))
        {
            _metrics.Dropped();
            _fanout.ResyncClients("the Redis bridge dropped messages (queue full)");
        }
    }

    private async Task ProcessAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await HandleAsync(item.Path, item.Channel, item.Payload, item.Prefix).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The message was valid but applying it failed (e.g. an owner was unreachable): clients revalidate.
                LogApplyFailed(_logger, item.Path, item.Channel, ex);
                _fanout.ResyncClients("applying a Redis bridge message failed");
            }
        }
    }

    private async Task ApplyAsync(BridgeInvalidation invalidation, byte[] payload, bool everyKey)
    {
        var grains = _services.GetRequiredService<IGrainFactory>();
        switch (invalidation.Kind)
        {
            case BridgeInvalidationKind.Key:
            case BridgeInvalidationKind.Keys:
                foreach (var key in invalidation.Keys)
                {
                    if (everyKey || _ownership.IsLocal(new GrainId(CacheGrainTypes.CacheEntry, key)))
                    {
                        await grains.GetGrain<ICacheEntryGrain>(key).InvalidateAsync().ConfigureAwait(false);
                    }
                }

                break;
            case BridgeInvalidationKind.Pattern when everyKey || IsDesignated(payload):
                await grains.GetGrain<ICacheCoordinatorGrain>("bridge").InvalidatePatternAsync(invalidation.Pattern!).ConfigureAwait(false);
                break;
            case BridgeInvalidationKind.All when everyKey || IsDesignated(payload):
                await grains.GetGrain<ICacheCoordinatorGrain>("bridge").InvalidateAllAsync().ConfigureAwait(false);
                break;
        }
    }

    /// <summary>One silo runs a message that is not per key: the owner of a grain id derived from the message's bytes.</summary>
    private bool IsDesignated(byte[] payload) =>
        _ownership.IsLocal(new GrainId("cache-bridge-message", Convert.ToHexString(SHA256.HashData(payload))));

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Pub/sub messages sent while we were disconnected are gone: clients must not trust what they hold.
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _fanout.ResyncClients("the Redis bridge reconnected; messages may have been missed");
        }
    }

    private sealed record Inbound(string Path, string Channel, byte[] Payload, string? Prefix);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Redis bridge listening: {Channels} canonical channels, {TypedChannels} typed channels, {KeyspacePrefixes} keyspace prefixes")]
    private static partial void LogStarted(ILogger logger, int channels, int typedChannels, int keyspacePrefixes);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Debug, Message = "Unsubscribing the Redis bridge failed: {Error}")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Applying a {Path} bridge message from {Channel} failed; clients revalidate")]
    private static partial void LogApplyFailed(ILogger logger, string path, string channel, Exception exception);
}
