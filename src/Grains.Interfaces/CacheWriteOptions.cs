namespace OrleansCache.Grains.Interfaces;

/// <summary>How a value is stored: its time to live and its tags.</summary>
public sealed record CacheWriteOptions(TimeSpan? Ttl, IReadOnlyList<string> Tags)
{
    /// <summary>No expiry, no tags.</summary>
    public static readonly CacheWriteOptions Default = new(null, []);
}
