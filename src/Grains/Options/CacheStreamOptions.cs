using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains;

/// <summary>
/// Publication of every invalidation the cluster applies on Orleans streams, for the application's grains
/// (<see cref="CacheInvalidationEvent"/>). Off until <see cref="ProviderName"/> names a stream provider of the silo.
/// Bound from the <c>Cache:Streams</c> configuration section; docs/streams.md.
/// </summary>
public sealed class CacheStreamOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Cache:Streams";

    /// <summary>
    /// The name of the silo's stream provider to publish on (e.g. the name given to <c>AddMemoryStreams</c>). Null (the
    /// default): nothing is published. Every silo of the cluster must have the provider.
    /// </summary>
    public string? ProviderName { get; set; }

    /// <summary>The namespace of the keys' streams, one stream per key. Default <see cref="CacheInvalidationEvent.DefaultKeyNamespace"/>.</summary>
    public string KeyNamespace { get; set; } = CacheInvalidationEvent.DefaultKeyNamespace;

    /// <summary>
    /// The namespace of the one stream (key <see cref="CacheInvalidationEvent.BroadStreamKey"/>) of pattern, tag and "all"
    /// invalidations. Default <see cref="CacheInvalidationEvent.DefaultBroadNamespace"/>.
    /// </summary>
    public string BroadNamespace { get; set; } = CacheInvalidationEvent.DefaultBroadNamespace;

    /// <summary>
    /// How many events a silo holds for the provider; past it events are dropped and counted
    /// (<c>orleanscache.cache.streams.dropped</c>), so a slow or absent provider costs bounded memory and never holds up
    /// a write. Default 10,000.
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// How long one event may take to be accepted by the provider before it is counted as failed
    /// (<c>orleanscache.cache.streams.failed</c>) and the silo moves on. Default 5 s.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
