using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Redis.Connection;
using OrleansCache.Redis.Diagnostics;
using StackExchange.Redis;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// Publishes every invalidation the cluster applies as canonical JSON on <see cref="RedisBridgeOptions.OutboundChannel"/>,
/// so Python, TypeScript and Rust services can evict their own caches; optionally deletes the Redis key of the same name
/// (their L2 copy). Each invalidation is heard once in the cluster, on the silo that made it, so it goes out once.
/// </summary>
/// <remarks>
/// Invalidations are heard on a grain's turn, so they are only queued there (bounded: past
/// <see cref="RedisBridgeOptions.OutboundQueueCapacity"/> they are dropped and counted) and published by a loop, in
/// order, pipelined in batches. Publishing is best effort, as pub/sub itself is.
/// </remarks>
internal sealed partial class OutboundBridge : InvalidationQueueLoop<Invalidation>, ICacheInvalidationObserver
{
    private const int MaxBatch = 64;

    private readonly RedisConnection _redis;
    private readonly BridgeSettings _settings;
    private readonly RedisMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RedisChannel? _channel;

    // Stopped after the grains have deactivated (stage ApplicationServices), so their last invalidations go out too.
    public OutboundBridge(RedisConnection redis, BridgeSettings settings, RedisMetrics metrics, TimeProvider time, ILogger<OutboundBridge> logger)
        : base(settings.Options.OutboundQueueCapacity, ServiceLifecycleStage.ApplicationServices)
    {
        _redis = redis;
        _settings = settings;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _channel = settings.Options.OutboundChannel is { } channel ? RedisChannel.Literal(channel) : (RedisChannel?)null;
    }

    protected override bool Enabled => _channel is not null || _settings.Options.DeleteL2Keys;

    public void OnInvalidated(Invalidation invalidation)
    {
        if (Enabled && !TryEnqueue(invalidation))
        {
            _metrics.OutboundDropped();
        }
    }

    protected override async Task RunAsync(ChannelReader<Invalidation> queue, CancellationToken cancellationToken)
    {
        var batch = new List<Task>(MaxBatch * 2);
        try
        {
            while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                IDatabase database;
                try
                {
                    database = (await _redis.GetMultiplexerAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(_logger, ex.GetType().Name, UntrustedText.ForLog(ex.Message));
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                while (batch.Count < MaxBatch * 2 && queue.TryRead(out var invalidation))
                {
                    Send(database, invalidation, batch);
                }

                foreach (var sent in batch)
                {
                    await Observe(sent, cancellationToken).ConfigureAwait(false);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends without waiting: StackExchange.Redis pipelines the batch on its connection.</summary>
    private void Send(IDatabase database, Invalidation invalidation, List<Task> batch)
    {
        if (_channel is { } channel && OutboundMessageWriter.Write(invalidation, _settings.Source, _time.GetUtcNow()) is { } message)
        {
            var kind = invalidation.Kind.ToString().ToLowerInvariant();
            batch.Add(Published(database.PublishAsync(channel, message), kind));
        }

        // Never one of the cluster's own keys: a cache key that happens to look like one is not its L2 copy.
        if (_settings.Options.DeleteL2Keys && invalidation.Kind == InvalidationKind.Key
            && !invalidation.Target!.StartsWith(_redis.KeyPrefix, StringComparison.Ordinal))
        {
            batch.Add(database.KeyDeleteAsync(invalidation.Target));
        }
    }

    private async Task Published(Task<long> publish, string kind)
    {
        await publish.ConfigureAwait(false);
        _metrics.OutboundPublished(kind);
    }

    private async Task Observe(Task sent, CancellationToken cancellationToken)
    {
        try
        {
            await _redis.BoundAsync(sent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.OutboundFailed();
            LogFailed(_logger, ex.GetType().Name, UntrustedText.ForLog(ex.Message));
        }
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Warning, Message = "Outbound Redis bridge could not publish or delete ({ErrorType}: {Error})")]
    private static partial void LogFailed(ILogger logger, string errorType, string error);
}
