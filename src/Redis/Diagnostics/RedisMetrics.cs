using System.Diagnostics.Metrics;
using OrleansCache.Redis.Bridge.Parsing;

namespace OrleansCache.Redis.Diagnostics;

/// <summary>Redis storage's and the bridge's instruments, under the meter <c>OrleansCache.Redis</c>.</summary>
/// <remarks>Tag values are stable: they are what dashboards and alerts select on.</remarks>
internal sealed class RedisMetrics
{
    public const string MeterName = "OrleansCache.Redis";

    private readonly Counter<long> _storageConflicts;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _ignored;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _applyFailures;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _streamAcknowledged;
    private readonly Counter<long> _streamClaimed;
    private readonly Counter<long> _outboundPublished;
    private readonly Counter<long> _outboundFailed;
    private readonly Counter<long> _outboundDropped;

    public RedisMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _storageConflicts = meter.CreateCounter<long>("orleanscache.redis.storage.conflicts", description: "Storage changes refused, by reason: fenced (a newer activation claimed the key), floor (no fence left and the writer claimed too long ago), etag, foreign_epoch.");
        _accepted = meter.CreateCounter<long>("orleanscache.redis.bridge.messages.accepted", description: "Inbound bridge messages that passed validation, by path (canonical, typed, keyspace, stream) and kind.");
        _rejected = meter.CreateCounter<long>("orleanscache.redis.bridge.messages.rejected", description: "Inbound bridge messages refused, by path and reason.");
        _ignored = meter.CreateCounter<long>("orleanscache.redis.bridge.messages.ignored", description: "Inbound messages this cluster published itself (its source), by path.");
        _skipped = meter.CreateCounter<long>("orleanscache.redis.bridge.messages.skipped", description: "Pub/sub messages this silo left to the silo chosen to apply them, by path.");
        _applied = meter.CreateCounter<long>("orleanscache.redis.bridge.messages.applied", description: "Inbound messages this silo applied to the cache, by path.");
        _applyFailures = meter.CreateCounter<long>("orleanscache.redis.bridge.messages.failed", description: "Inbound messages this silo could not apply after its retries, by path.");
        _dropped = meter.CreateCounter<long>("orleanscache.redis.bridge.messages.dropped", description: "Pub/sub messages dropped because this silo's inbound queue was full, by path.");
        _reconnects = meter.CreateCounter<long>("orleanscache.redis.bridge.reconnects", description: "Pub/sub connections restored after a drop (messages may have been lost), by what was done: prefixes, all, warned.");
        _streamAcknowledged = meter.CreateCounter<long>("orleanscache.redis.bridge.stream.acknowledged", description: "Stream entries applied (or rejected) and acknowledged.");
        _streamClaimed = meter.CreateCounter<long>("orleanscache.redis.bridge.stream.claimed", description: "Stream entries taken over from a consumer that left them pending (XAUTOCLAIM).");
        _outboundPublished = meter.CreateCounter<long>("orleanscache.redis.bridge.outbound.published", description: "Invalidations published on the outbound channel, by kind.");
        _outboundFailed = meter.CreateCounter<long>("orleanscache.redis.bridge.outbound.failed", description: "Outbound publishes and L2 key deletions that failed.");
        _outboundDropped = meter.CreateCounter<long>("orleanscache.redis.bridge.outbound.dropped", description: "Invalidations not published because the outbound queue was full.");
    }

    public void StorageConflict(string reason) => _storageConflicts.Add(1, Tag("reason", reason));

    public void Accepted(string path, BridgeInvalidationKind kind) => _accepted.Add(1, Tag("path", path), Tag("kind", KindName(kind)));

    public void Rejected(string path, string reason) => _rejected.Add(1, Tag("path", path), Tag("reason", reason));

    public void Ignored(string path) => _ignored.Add(1, Tag("path", path));

    public void Skipped(string path) => _skipped.Add(1, Tag("path", path));

    public void Applied(string path) => _applied.Add(1, Tag("path", path));

    public void ApplyFailed(string path) => _applyFailures.Add(1, Tag("path", path));

    public void Dropped(string path) => _dropped.Add(1, Tag("path", path));

    public void Reconnected(string action) => _reconnects.Add(1, Tag("action", action));

    public void StreamAcknowledged(int count) => _streamAcknowledged.Add(count);

    public void StreamClaimed(int count) => _streamClaimed.Add(count);

    public void OutboundPublished(string kind) => _outboundPublished.Add(1, Tag("kind", kind));

    public void OutboundFailed() => _outboundFailed.Add(1);

    public void OutboundDropped() => _outboundDropped.Add(1);

    private static string KindName(BridgeInvalidationKind kind) => kind switch
    {
        BridgeInvalidationKind.Key => "key",
        BridgeInvalidationKind.Keys => "keys",
        BridgeInvalidationKind.Pattern => "pattern",
        BridgeInvalidationKind.All => "all",
        _ => "unknown",
    };

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
