namespace OrleansCache.Grains.Interfaces;

/// <summary>What a cache-entry grain holds for its key: the value (null when there is none), its version, expiry and tags.</summary>
/// <remarks>
/// Immutable: a grain replaces its entry on every change, so readers always see a consistent value and version, and
/// Orleans passes it between grains of one silo without copying the value.
/// </remarks>
[GenerateSerializer, Immutable, Alias("oc.CacheEntry")]
public sealed record CacheEntry(
    [property: Id(0)] byte[]? Value,
    [property: Id(1)] CacheVersion Version,
    [property: Id(2)] DateTimeOffset? ExpiresAt,
    [property: Id(3)] IReadOnlyList<string> Tags)
{
    /// <summary>True if the key has a value.</summary>
    public bool Found => Value is not null;

    /// <summary>An entry with no value at <paramref name="version"/>.</summary>
    public static CacheEntry Missing(CacheVersion version) => new(null, version, null, []);
}
