namespace OrleansCache.Silo.Options;

/// <summary>
/// Redis for Orleans' membership (silos on many machines form one cluster through it) and, once wired, for cache
/// entries and the invalidation bridge. Bound from the <c>Redis</c> section; off while <see cref="ConnectionString"/> is empty.
/// </summary>
internal sealed class RedisSettings
{
    /// <summary>The configuration section these settings bind from.</summary>
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis connection string, e.g. <c>redis.internal:6379,ssl=true</c>. Default none (no Redis).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The Redis ACL user; overrides a <c>user=</c> in the connection string. Default none.</summary>
    public string? User { get; set; }

    /// <summary>The Redis password; overrides a <c>password=</c> in the connection string. Never logged. Default none.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Whether the invalidation bridge is on (<c>RedisBridge:Enabled</c>, <c>--redis-bridge</c>). Unset (the default): on
    /// whenever Redis is configured; <c>false</c> switches it off; <c>true</c> without Redis is an error.
    /// </summary>
    public bool? BridgeEnabled { get; set; }

    /// <summary>True when Redis is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);
}
