namespace OrleansCache.Redis;

/// <summary>
/// One channel of typed events (<c>{"type":"item","itemId":"42"}</c>) and the key prefix its ids live under, e.g.
/// channel <c>cache:personality-invalidation</c> with prefix <c>personality:</c>: item 42 is key <c>personality:42</c>.
/// </summary>
/// <remarks>
/// An object in a list rather than a dictionary entry, because channel names contain <c>:</c>, the configuration path
/// separator: <c>RedisBridge:TypedChannels:0:Channel=cache:personality-invalidation</c> and
/// <c>RedisBridge:TypedChannels:0:Prefix=personality:</c> work from flags, environment variables
/// (<c>RedisBridge__TypedChannels__0__Channel</c>) and JSON alike.
/// </remarks>
public sealed class RedisTypedChannel
{
    /// <summary>The pub/sub channel (literal, not a pattern).</summary>
    public string Channel { get; set; } = string.Empty;

    /// <summary>The key prefix, colon included; <c>{"type":"all"}</c> invalidates every key under it, never more.</summary>
    public string Prefix { get; set; } = string.Empty;
}
