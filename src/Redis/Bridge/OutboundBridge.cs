using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Invalidation;
using OrleansCache.Redis.Connection;
using OrleansCache.Runtime;
using StackExchange.Redis;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// Publishes every invalidation the cluster applies as canonical JSON on <see cref="RedisBridgeOptions.OutboundChannel"/>,
/// once (from the silo that applied it), so Python, TypeScript and Rust services can evict their own caches; optionally
/// deletes the Redis key of the same name (an L2 copy). A tag invalidation reaches subscribers as one message per key.
/// </summary>
internal sealed partial class OutboundBridge : ICacheInvalidationObserver
{
    private readonly RedisConnection _redis;
    private readonly RedisBridgeOptions _options;
    private readonly BridgeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _source;

    public OutboundBridge(RedisConnection redis, IOptions<RedisBridgeOptions> options, IOptions<SiloOptions> silo, BridgeMetrics metrics, TimeProvider time, ILogger<OutboundBridge> logger)
    {
        _redis = redis;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _source = InboundBridge.OwnSourceOf(silo.Value.ClusterId);
    }

    public void OnKeyInvalidated(string key, CacheVersion version)
    {
        Publish(writer => WriteKey(writer, key));
        if (_options.DeleteL2Keys)
        {
            _ = RunAsync(db => db.KeyDeleteAsync(key), "delete L2 key");
        }
    }

    public void OnPatternInvalidated(string pattern) => Publish(writer =>
    {
        writer.WriteString("action", "pattern");
        writer.WriteString("pattern", pattern);
    });

    public void OnTagInvalidated(string tag)
    {
        // The canonical format has no tags; the tagged keys' own invalidations are published one by one.
    }

    public void OnAllInvalidated() => Publish(writer => writer.WriteString("action", "all"));

    /// <summary>
    /// <c>user:123</c> goes out as entity <c>user</c>/<c>123</c> (the form most publishers use); keys that would not
    /// survive that round trip (no colon, upper-case or unusual type) go out as a one-key batch.
    /// </summary>
    private static void WriteKey(Utf8JsonWriter writer, string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var type = colon > 0 ? key[..colon] : string.Empty;
        if (type.Length > 0 && colon < key.Length - 1 && type.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '.'))
        {
            writer.WriteString("action", "invalidate");
            writer.WriteString("entity_type", type);
            writer.WriteString("entity_id", key[(colon + 1)..]);
        }
        else
        {
            writer.WriteString("action", "batch");
            writer.WriteStartArray("entity_ids");
            writer.WriteStringValue(key);
            writer.WriteEndArray();
        }
    }

    private void Publish(Action<Utf8JsonWriter> body)
    {
        if (_options.OutboundChannel is not { } channel)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteString("source", _source);
            writer.WriteString("message_id", Guid.NewGuid().ToString("N"));
            writer.WriteString("timestamp", _time.GetUtcNow());
            writer.WriteEndObject();
        }

        var message = buffer.WrittenSpan.ToArray();
        _ = RunAsync(async db =>
        {
            await db.PublishAsync(channel, message).ConfigureAwait(false);
            _metrics.Published();
            return true;
        }, "publish");
    }

    private async Task RunAsync(Func<IDatabase, Task<bool>> call, string what)
    {
        try
        {
            await _redis.RunAsync(call, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _metrics.PublishFailed();
            LogFailed(_logger, what, ex.Message);
        }
    }

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Outbound bridge could not {What}: {Error}")]
    private static partial void LogFailed(ILogger logger, string what, string error);
}
