namespace OrleansCache.Grains.Interfaces;

/// <summary>How a value is stored: its time to live and its tags.</summary>
[GenerateSerializer, Immutable, Alias("oc.CacheWriteOptions")]
public sealed record CacheWriteOptions(
    [property: Id(0)] TimeSpan? Ttl,
    [property: Id(1)] IReadOnlyList<string> Tags)
{
    /// <summary>No expiry, no tags.</summary>
    public static readonly CacheWriteOptions Default = new(null, []);
}
