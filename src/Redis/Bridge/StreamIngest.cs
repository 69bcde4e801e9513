using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Redis.Connection;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Hosting;
using StackExchange.Redis;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// The durable inbound path: reads canonical messages from a Redis Stream through a consumer group shared by all silos,
/// applies each, and acknowledges it only afterwards. A silo that fails to apply an entry retries it; entries a silo
/// read but never acknowledged (it died) are claimed by another after <see cref="RedisBridgeOptions.StreamClaimAfter"/>.
/// </summary>
/// <remarks>
/// StackExchange.Redis 1.2.6 predates streams, so the stream commands run as small Lua scripts (non-blocking reads,
/// polled while the stream is idle).
/// </remarks>
internal sealed partial class StreamIngest : IHostedService, IAsyncDisposable
{
    private const string CreateGroupScript = "pcall(redis.call, 'XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM') return 1";
    private const string ReadScript = "return redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], ARGV[4])";
    private const string ClaimScript = "return redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])";
    private const string AckScript = "return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])";
    private const int BatchSize = 100;

    private readonly RedisConnection _redis;
    private readonly InboundBridge _bridge;
    private readonly RedisBridgeOptions _options;
    private readonly LocalSiloDetails _local;
    private readonly BridgeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _group;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public StreamIngest(RedisConnection redis, InboundBridge bridge, IOptions<RedisBridgeOptions> options, IOptions<SiloOptions> silo, LocalSiloDetails local, BridgeMetrics metrics, TimeProvider time, ILogger<StreamIngest> logger)
    {
        _redis = redis;
        _bridge = bridge;
        _options = options.Value;
        _local = local;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _group = _options.ConsumerGroup ?? $"orleanscache-{silo.Value.ClusterId}";
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.StreamKey is not { } stream)
        {
            return;
        }

        await _redis.RunAsync(db => db.ScriptEvaluateAsync(CreateGroupScript, [stream], [_group]), cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(stream, _stopping.Token), CancellationToken.None);
        LogStarted(_logger, stream, _group);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as a hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(string stream, CancellationToken cancellationToken)
    {
        var consumer = _local.Address.ToString();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Our own unacknowledged entries first (a failed apply is retried), then others' stale ones, then new.
                var entries = await ReadAsync(stream, consumer, "0", cancellationToken).ConfigureAwait(false);
                if (entries.Count == 0)
                {
                    entries = await ClaimAsync(stream, consumer, cancellationToken).ConfigureAwait(false);
                }

                if (entries.Count == 0)
                {
                    entries = await ReadAsync(stream, consumer, ">", cancellationToken).ConfigureAwait(false);
                }

                var failed = false;
                foreach (var (id, payload) in entries)
                {
                    if (await _bridge.HandleStreamEntryAsync(stream, payload).ConfigureAwait(false))
                    {
                        await _redis.RunAsync(db => db.ScriptEvaluateAsync(AckScript, [stream], [_group, id]), cancellationToken).ConfigureAwait(false);
                        _metrics.StreamAcked();
                    }
                    else
                    {
                        failed = true;
                    }
                }

                if (entries.Count == 0 || failed)
                {
                    await Task.Delay(_options.StreamPollInterval, _time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Redis unreachable or restarting: nothing is lost (entries stay in the stream); try again shortly.
                LogReadFailed(_logger, stream, ex.Message);
                await Task.Delay(_options.StreamPollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<List<(string Id, byte[] Payload)>> ReadAsync(string stream, string consumer, string from, CancellationToken cancellationToken)
    {
        var result = await _redis.RunAsync(db => db.ScriptEvaluateAsync(ReadScript, [stream], [_group, consumer, BatchSize, from]), cancellationToken).ConfigureAwait(false);
        if (result.IsNull)
        {
            return [];
        }

        // [[stream, [[id, [field, value, ...]], ...]]]
        var streams = (RedisResult[])result!;
        return streams.Length == 0 ? [] : Entries((RedisResult[])((RedisResult[])streams[0]!)[1]!);
    }

    private async Task<List<(string Id, byte[] Payload)>> ClaimAsync(string stream, string consumer, CancellationToken cancellationToken)
    {
        var result = await _redis.RunAsync(
            db => db.ScriptEvaluateAsync(ClaimScript, [stream], [_group, consumer, (long)_options.StreamClaimAfter.TotalMilliseconds, BatchSize]),
            cancellationToken).ConfigureAwait(false);

        // [next cursor, [[id, [field, value, ...]], ...], deleted ids]
        return Entries((RedisResult[])((RedisResult[])result!)[1]!);
    }

    private static List<(string Id, byte[] Payload)> Entries(RedisResult[] entries)
    {
        var list = new List<(string, byte[])>(entries.Length);
        foreach (var entry in entries)
        {
            var parts = (RedisResult[])entry!;
            if (parts[1].IsNull)
            {
                continue; // deleted from the stream meanwhile
            }

            var fields = (RedisResult[])parts[1]!;
            byte[] payload = [];
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                if (string.Equals((string)fields[i]!, "payload", StringComparison.Ordinal))
                {
                    payload = (byte[])fields[i + 1]!;
                }
            }

            // An entry without a payload field is still handed over: the parser rejects it (and counts it).
            list.Add(((string)parts[0]!, payload));
        }

        return list;
    }

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "Reading invalidations from stream {Stream} as group {Group}")]
    private static partial void LogStarted(ILogger logger, string stream, string group);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Reading stream {Stream} failed: {Error}; retrying")]
    private static partial void LogReadFailed(ILogger logger, string stream, string error);
}
