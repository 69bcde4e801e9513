namespace OrleansCache.Redis;

/// <summary>
/// The Redis invalidation bridge, through which non-.NET services invalidate the cache and hear of its invalidations.
/// Bound from the <c>RedisBridge</c> configuration section; every setting can come from flags, environment variables
/// or JSON. Message formats: <c>docs/wire-format.md</c>.
/// </summary>
/// <remarks>
/// Lists bind by index: <c>RedisBridge:Channels:0=cache:invalidate</c>,
/// <c>RedisBridge:TypedChannels:0:Channel=cache:personality-invalidation</c>,
/// <c>RedisBridge:TypedChannels:0:Prefix=personality:</c>, <c>RedisBridge:KeyspacePrefixes:0=user:</c>. Configuration
/// can only add to a list, so lists start empty and defaults apply when they stay empty.
/// </remarks>
public sealed class RedisBridgeOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "RedisBridge";

    /// <summary>The canonical channel used when <see cref="Channels"/> is empty and <see cref="UseDefaultChannel"/> is on.</summary>
    public const string DefaultChannel = "cache:invalidate";

    /// <summary>Channels carrying canonical JSON invalidations. Empty (the default): <c>cache:invalidate</c>, see <see cref="UseDefaultChannel"/>.</summary>
    public IList<string> Channels { get; } = [];

    /// <summary>Whether an empty <see cref="Channels"/> means <c>cache:invalidate</c> (true, the default) or no canonical channel.</summary>
    public bool UseDefaultChannel { get; set; } = true;

    /// <summary>Channels of typed events, each with the key prefix its ids live under. Default none.</summary>
    public IList<RedisTypedChannel> TypedChannels { get; } = [];

    /// <summary>
    /// Redis key prefixes whose changes (<c>DEL</c>, <c>SET</c>, expiry, eviction...) invalidate the cache key of the same
    /// name, through keyspace notifications. Redis must publish them: <c>notify-keyspace-events</c> must include
    /// <c>K</c> and the event classes wanted (e.g. <c>Kg$x</c>). Never the cluster's own key prefix. Default none.
    /// </summary>
    public IList<string> KeyspacePrefixes { get; } = [];

    /// <summary>
    /// A Redis Stream of canonical JSON messages (one per entry, field <c>payload</c>) read through a consumer group the
    /// silos share, for publishers that cannot afford pub/sub's losses. An entry is acknowledged once applied. Null: off.
    /// </summary>
    public string? StreamKey { get; set; }

    /// <summary>The consumer group on <see cref="StreamKey"/>. Default <c>orleanscache:{ServiceId}</c>.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>How long an entry may stay unacknowledged by a consumer before another silo takes it over (its reader may have died). Default 30 s.</summary>
    public TimeSpan StreamClaimAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a silo waits before reading the stream again after it found nothing. Default 100 ms.</summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most stream entries read (or claimed) at once. Default 100.</summary>
    public int StreamBatchSize { get; set; } = 100;

    /// <summary>The channel every invalidation the cluster applies is published on, as canonical JSON. Null: off.</summary>
    public string? OutboundChannel { get; set; }

    /// <summary>Also delete the Redis key named like each invalidated cache key (for services that keep an L2 copy there). Default false.</summary>
    public bool DeleteL2Keys { get; set; }

    /// <summary>
    /// The <c>source</c> stamped on outbound messages; inbound messages carrying it are the cluster's own and are ignored
    /// (no loop when the outbound channel is also an inbound one). Default <c>orleanscache:{ServiceId}</c>.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>The largest inbound message accepted. Default 64 KiB.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>The most keys in one inbound batch message. Default 1,000.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>How many pub/sub messages may wait on one silo to be applied; past it they are dropped and counted. Default 10,000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// How long after a membership change a silo also applies the pub/sub messages it was chosen for under the view
    /// before, because other silos may not have seen the change yet: a few duplicates rather than a lost message. Long
    /// enough for a change to reach every silo. Default 30 s.
    /// </summary>
    public TimeSpan ViewChangeGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many inbound messages one silo applies at once. Default 4.</summary>
    public int MaxConcurrentApplies { get; set; } = 4;

    /// <summary>How often applying a message is tried before it is given up (pub/sub) or left for a retry (stream). Default 3.</summary>
    public int ApplyAttempts { get; set; } = 3;

    /// <summary>The shortest time between two log lines about rejected messages of one path and reason. Default 10 s.</summary>
    public TimeSpan RejectionLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After a lost pub/sub connection comes back, invalidate every key under the typed channels' and keyspace prefixes
    /// (messages for them may have been lost). Default true.
    /// </summary>
    public bool InvalidatePrefixesOnReconnect { get; set; } = true;

    /// <summary>
    /// After a lost pub/sub connection comes back, invalidate everything, since a lost canonical message may have named
    /// any key. Default false: the loss is counted and logged as a warning; publishers that need every message applied
    /// use the stream.
    /// </summary>
    public bool InvalidateAllOnReconnect { get; set; }

    /// <summary>How many outbound messages may wait to be published; past it they are dropped and counted. Default 10,000.</summary>
    public int OutboundQueueCapacity { get; set; } = 10_000;
}
