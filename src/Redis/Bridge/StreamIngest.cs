using Microsoft.Extensions.Logging;
using OrleansCache.Redis.Bridge.Parsing;
using OrleansCache.Redis.Connection;
using OrleansCache.Redis.Diagnostics;
using StackExchange.Redis;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// The durable inbound path: canonical messages from a Redis Stream, read through a consumer group the silos share, so
/// each entry goes to one silo (no routing needed). An entry is acknowledged only once applied (or rejected); one a
/// silo read but never acknowledged (it died) is taken over by another with <c>XAUTOCLAIM</c> after
/// <see cref="RedisBridgeOptions.StreamClaimAfter"/>.
/// </summary>
/// <remarks>
/// Each silo incarnation is its own consumer (named by its silo address), so a restarted silo's leftovers are claimed
/// like a dead one's. StackExchange.Redis multiplexes one connection, so reads never block on the server: the loop
/// polls every <see cref="RedisBridgeOptions.StreamPollInterval"/> while the stream is idle.
/// </remarks>
internal sealed partial class StreamIngest : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>Consumers idle this long with nothing pending are left-overs of silos long gone, and are removed.</summary>
    private static readonly TimeSpan AbandonedConsumerAge = TimeSpan.FromHours(1);

    private readonly RedisConnection _redis;
    private readonly BridgeSettings _settings;
    private readonly BridgeApplier _applier;
    private readonly RejectionLog _rejections;
    private readonly RedisMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _consumer;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private RedisValue _claimCursor = "0-0";
    private long _nextClaim;
    private long _nextCleanup;

    public StreamIngest(RedisConnection redis, BridgeSettings settings, BridgeApplier applier, RejectionLog rejections, RedisMetrics metrics, ILocalSiloDetails local, TimeProvider time, ILogger<StreamIngest> logger)
    {
        _redis = redis;
        _settings = settings;
        _applier = applier;
        _rejections = rejections;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _consumer = local.SiloAddress.ToParsableString();
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StreamIngest), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    private Task StartAsync(CancellationToken cancellationToken)
    {
        if (_settings.Options.StreamKey is { } stream)
        {
            _loop = Task.Run(() => RunAsync(stream, _stopping.Token), CancellationToken.None);
            LogStarted(_logger, stream, _settings.ConsumerGroup, _consumer);
        }

        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(RedisKey stream, CancellationToken cancellationToken)
    {
        var groupReady = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                groupReady = groupReady || await CreateGroupAsync(stream, cancellationToken).ConfigureAwait(false);

                // This consumer's own unacknowledged entries first (an apply that failed), then others' stale ones,
                // then new ones.
                var entries = await ReadAsync(stream, "0", cancellationToken).ConfigureAwait(false);
                if (entries.Length == 0)
                {
                    entries = await ClaimAsync(stream, cancellationToken).ConfigureAwait(false);
                }

                if (entries.Length == 0)
                {
                    entries = await ReadAsync(stream, StreamPosition.NewMessages, cancellationToken).ConfigureAwait(false);
                }

                var done = await HandleAsync(stream, entries, cancellationToken).ConfigureAwait(false);
                await CleanUpConsumersAsync(stream, cancellationToken).ConfigureAwait(false);
                if (entries.Length == 0 || done < entries.Length)
                {
                    await Task.Delay(_settings.Options.StreamPollInterval, _time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // The stream was deleted (and with it the group): create both again.
                groupReady = false;
            }
            catch (Exception ex)
            {
                // Redis unreachable or restarting: nothing is lost, entries wait in the stream.
                LogReadFailed(_logger, stream.ToString(), ex.GetType().Name, UntrustedText.ForLog(ex.Message));
                await Task.Delay(_settings.Options.StreamPollInterval, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<bool> CreateGroupAsync(RedisKey stream, CancellationToken cancellationToken)
    {
        try
        {
            // From the start of the stream: a new group applies what was published before it existed (harmless
            // duplicates at worst) rather than lose it.
            await _redis.RunAsync(db => db.StreamCreateConsumerGroupAsync(stream, _settings.ConsumerGroup, StreamPosition.Beginning, createStream: true), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another silo (or an earlier run) created it.
        }

        return true;
    }

    private Task<StreamEntry[]> ReadAsync(RedisKey stream, RedisValue position, CancellationToken cancellationToken) =>
        _redis.RunAsync(db => db.StreamReadGroupAsync(stream, _settings.ConsumerGroup, _consumer, position, _settings.Options.StreamBatchSize), cancellationToken);

    /// <summary>Takes over entries other consumers left pending too long, a batch per call, walking the pending list.</summary>
    private async Task<StreamEntry[]> ClaimAsync(RedisKey stream, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        if (now < _nextClaim)
        {
            return [];
        }

        var claimAfter = _settings.Options.StreamClaimAfter;
        var result = await _redis.RunAsync(
            db => db.StreamAutoClaimAsync(stream, _settings.ConsumerGroup, _consumer, (long)claimAfter.TotalMilliseconds, _claimCursor, _settings.Options.StreamBatchSize),
            cancellationToken).ConfigureAwait(false);
        _claimCursor = result.NextStartId;
        if (result.NextStartId == "0-0")
        {
            // The whole pending list was walked: look again after a fraction of the claim delay.
            _nextClaim = now + (long)(Math.Max(claimAfter.TotalSeconds / 4, 0.05) * _time.TimestampFrequency);
        }

        if (result.ClaimedEntries.Length > 0)
        {
            _metrics.StreamClaimed(result.ClaimedEntries.Length);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var name = stream.ToString();
                LogClaimed(_logger, result.ClaimedEntries.Length, name);
            }
        }

        return result.ClaimedEntries;
    }

    /// <summary>Applies entries in order and acknowledges those done with; returns how many were.</summary>
    private async Task<int> HandleAsync(RedisKey stream, StreamEntry[] entries, CancellationToken cancellationToken)
    {
        var done = new List<RedisValue>(entries.Length);
        var channel = stream.ToString();
        foreach (var entry in entries)
        {
            if (await HandleAsync(channel, entry, cancellationToken).ConfigureAwait(false))
            {
                done.Add(entry.Id);
            }
        }

        if (done.Count > 0)
        {
            await _redis.RunAsync(db => db.StreamAcknowledgeAsync(stream, _settings.ConsumerGroup, [.. done]), cancellationToken).ConfigureAwait(false);
            _metrics.StreamAcknowledged(done.Count);
        }

        return done.Count;
    }

    private async Task<bool> HandleAsync(string channel, StreamEntry entry, CancellationToken cancellationToken)
    {
        if (entry.IsNull || entry.Values is null)
        {
            return true; // deleted from the stream since it was delivered
        }

        var payload = entry["payload"];
        BridgeParseResult result;
        if (payload.IsNull)
        {
            result = BridgeParseResult.Reject(BridgeRejectionReason.MissingField, "stream entry has no 'payload' field");
        }
        else if (payload.Length() > _settings.Limits.MaxMessageBytes)
        {
            result = BridgeParseResult.Reject(BridgeJsonReader.TooLarge(payload.Length(), _settings.Limits));
        }
        else
        {
            result = CanonicalMessageParser.Parse((byte[])payload!, _settings.Limits);
        }

        if (result.Rejection is { } rejection)
        {
            // A bad entry is acknowledged (and counted): it would fail the same way forever.
            _rejections.Rejected(BridgePaths.Stream, channel, rejection);
            return true;
        }

        var invalidation = result.Invalidation!;
        if (string.Equals(invalidation.Source, _settings.Source, StringComparison.Ordinal))
        {
            _metrics.Ignored(BridgePaths.Stream);
            return true;
        }

        _metrics.Accepted(BridgePaths.Stream, invalidation.Kind);
        return await _applier.ApplyAsync(BridgePaths.Stream, channel, invalidation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Once in a while, removes consumers of silos long gone that left nothing pending (each restart adds one).</summary>
    private async Task CleanUpConsumersAsync(RedisKey stream, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        if (now < _nextCleanup)
        {
            return;
        }

        _nextCleanup = now + (long)(TimeSpan.FromMinutes(10).TotalSeconds * _time.TimestampFrequency);
        var consumers = await _redis.RunAsync(db => db.StreamConsumerInfoAsync(stream, _settings.ConsumerGroup), cancellationToken).ConfigureAwait(false);
        foreach (var consumer in consumers)
        {
            if (consumer.PendingMessageCount == 0 && consumer.IdleTimeInMilliseconds > AbandonedConsumerAge.TotalMilliseconds
                && !string.Equals(consumer.Name, _consumer, StringComparison.Ordinal))
            {
                await _redis.RunAsync(db => db.StreamDeleteConsumerAsync(stream, _settings.ConsumerGroup, consumer.Name), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Reading invalidations from stream {Stream} as consumer {Consumer} of group {Group}")]
    private static partial void LogStarted(ILogger logger, string stream, string group, string consumer);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "Reading stream {Stream} failed ({ErrorType}: {Error}); trying again")]
    private static partial void LogReadFailed(ILogger logger, string stream, string errorType, string error);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Information, Message = "Took over {Count} entries of stream {Stream} that another consumer left pending")]
    private static partial void LogClaimed(ILogger logger, int count, string stream);
}
