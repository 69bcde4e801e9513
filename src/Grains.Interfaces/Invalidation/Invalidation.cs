namespace OrleansCache.Grains.Interfaces;

/// <summary>One invalidation: a key at a version, a pattern, a tag, or everything.</summary>
/// <remarks>
/// A key invalidation carries the key's version after the change: a near-cache holding an older version drops it,
/// and a fill that started before and returns an older version is not inserted (G5). Pattern, tag and "all"
/// invalidations have no version: they drop every matching copy and void every fill they cannot rule out. They go out
/// through every partition's feed (so that a client missing one detects it in that partition), carrying one
/// <see cref="Operation"/> id, so a client applies and reports each once. <see cref="TraceParent"/> is the W3C trace
/// context of the change, when it was traced, so a client applies it in the same trace.
/// </remarks>
[GenerateSerializer, Immutable, Alias("oc.Invalidation")]
public readonly record struct Invalidation(
    [property: Id(0)] InvalidationKind Kind,
    [property: Id(1)] string? Target,
    [property: Id(2)] CacheVersion Version,
    [property: Id(3)] long Operation = 0,
    [property: Id(4)] string? TraceParent = null)
{
    /// <summary>The key changed to <paramref name="version"/>.</summary>
    public static Invalidation ForKey(string key, CacheVersion version) => new(InvalidationKind.Key, key, version);

    /// <summary>Every key matching <paramref name="pattern"/>, as one operation.</summary>
    public static Invalidation ForPattern(string pattern) => new(InvalidationKind.Pattern, pattern, CacheVersion.None, NewOperation());

    /// <summary>Every key tagged <paramref name="tag"/>, as one operation.</summary>
    public static Invalidation ForTag(string tag) => new(InvalidationKind.Tag, tag, CacheVersion.None, NewOperation());

    /// <summary>Every key, as one operation.</summary>
    public static Invalidation ForAll() => new(InvalidationKind.All, null, CacheVersion.None, NewOperation());

    private static long NewOperation() => Random.Shared.NextInt64(1, long.MaxValue);
}
