namespace OrleansCache.Redis;

/// <summary>
/// The Redis invalidation bridge, through which non-.NET services invalidate the cache and hear of its invalidations.
/// Bound from the <c>RedisBridge</c> configuration section. The message formats are in <c>docs/wire-format.md</c>.
/// </summary>
public sealed class RedisBridgeOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "RedisBridge";

    /// <summary>Channels carrying canonical JSON invalidations. Default: <c>cache:invalidate</c>.</summary>
    public IList<string> Channels { get; } = ["cache:invalidate"];

    /// <summary>
    /// Channels carrying typed events (<c>{"type":"item","itemId":"42"}</c>), each mapped to the key prefix its ids
    /// live under, e.g. <c>cache:personality-invalidation</c> → <c>personality:</c>.
    /// </summary>
    public IDictionary<string, string> TypedChannels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Redis key prefixes whose changes (<c>DEL</c>, <c>SET</c>, expiry, ...) invalidate the cache key of the same name,
    /// through keyspace notifications. Redis must have them on: <c>notify-keyspace-events Kg$x</c> (or more) in its
    /// configuration. Never name the cluster's own key prefix here.
    /// </summary>
    public IList<string> KeyspacePrefixes { get; } = [];

    /// <summary>The channel every invalidation the cluster applies is published on, as canonical JSON. Null: off.</summary>
    public string? OutboundChannel { get; set; }

    /// <summary>Also delete the Redis key of the same name on every key invalidation (for services keeping an L2 copy there).</summary>
    public bool DeleteL2Keys { get; set; }

    /// <summary>
    /// A Redis Stream of canonical JSON messages (field <c>payload</c>) read through a consumer group: for publishers that
    /// cannot afford pub/sub's loss on disconnect. Each entry is acknowledged only after it was applied, so a cluster
    /// that was down catches up. Null: off.
    /// </summary>
    public string? StreamKey { get; set; }

    /// <summary>The consumer group the silos share on <see cref="StreamKey"/>. Default: <c>orleanscache-{ClusterId}</c>.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>How long a stream entry may stay unacknowledged by a silo before another silo takes it over (the first may have died). Default 30 s.</summary>
    public TimeSpan StreamClaimAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait before reading the stream again when it had nothing new. Default 200 ms.</summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The largest inbound message accepted. Default 64 KiB.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>The most keys in one inbound batch. Default 1,000.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>How many inbound messages may wait to be applied; past it messages are dropped and clients resynchronize. Default 100,000.</summary>
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>The shortest time between two log lines about rejected messages of one kind. Default 10 s.</summary>
    public TimeSpan RejectionLogInterval { get; set; } = TimeSpan.FromSeconds(10);
}
