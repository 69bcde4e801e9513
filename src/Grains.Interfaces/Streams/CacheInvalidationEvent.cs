namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// An invalidation the cluster applied, as published on an Orleans stream when the silos are told to
/// (<c>cache.PublishInvalidationsToStreams(...)</c>; off by default). Grains of the application subscribe, implicitly or
/// explicitly, and react: rebuild what they derived from a key, warm it again, tell their own clients.
/// </summary>
/// <remarks>
/// <para>
/// Streams: a key's events (<see cref="InvalidationKind.Key"/>) go on the stream whose id is the namespace
/// (<see cref="DefaultKeyNamespace"/> unless configured) and the key itself, so a string-keyed grain with
/// <c>[ImplicitStreamSubscription("OrleansCache.Invalidations")]</c> is activated per key and hears only its key.
/// Pattern, tag and "all" invalidations go once on the one stream <see cref="BroadStreamKey"/> of the broad namespace
/// (<see cref="DefaultBroadNamespace"/>); each key they invalidated that storage held or that was active also has its
/// own key event (the coordinator gives it a new version through its grain). A batch of keys is one key event per key.
/// </para>
/// <para>
/// What an event says: cached copies older than <see cref="Version"/> are stale. It is published as the change goes to
/// the feeds, before storage has taken it: a write that then fails still has its event (as clients still drop their
/// copies). Delivery is the stream provider's (a persistent provider, such as memory streams, delivers at least once,
/// in order per stream) on top of the silo's best effort: an event the silo could not hand to the provider (queue
/// full, provider failure or timeout) is counted and logged, never retried and never in the cache's way. Events of one
/// key come in version order while the key's grain stays on one silo; compare <see cref="Version"/> to drop a late or
/// repeated one.
/// </para>
/// </remarks>
/// <param name="Kind">What was invalidated: a key, a pattern, a tag, or everything.</param>
/// <param name="Target">The key, the glob pattern or the tag; null for "all".</param>
/// <param name="Version">A key's version after the change; <see cref="CacheVersion.None"/> for the other kinds.</param>
/// <param name="Operation">The id of a pattern, tag or "all" operation (the same the clients see); 0 for a key.</param>
/// <param name="PublishedAt">When the silo that made the change published it (that silo's clock).</param>
/// <param name="TraceParent">The W3C trace context of the change, when it was traced, to continue its trace.</param>
[GenerateSerializer, Immutable, Alias("oc.CacheInvalidationEvent")]
public sealed record CacheInvalidationEvent(
    [property: Id(0)] InvalidationKind Kind,
    [property: Id(1)] string? Target,
    [property: Id(2)] CacheVersion Version,
    [property: Id(3)] long Operation,
    [property: Id(4)] DateTimeOffset PublishedAt,
    [property: Id(5)] string? TraceParent)
{
    /// <summary>The namespace of the keys' streams unless configured: <c>OrleansCache.Invalidations</c>.</summary>
    public const string DefaultKeyNamespace = "OrleansCache.Invalidations";

    /// <summary>The namespace of the stream of pattern, tag and "all" invalidations unless configured: <c>OrleansCache.Invalidations.Broad</c>.</summary>
    public const string DefaultBroadNamespace = "OrleansCache.Invalidations.Broad";

    /// <summary>The key of the one stream, in the broad namespace, that carries pattern, tag and "all" invalidations: <c>*</c>.</summary>
    public const string BroadStreamKey = "*";
}
