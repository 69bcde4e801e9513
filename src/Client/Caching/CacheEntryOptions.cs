namespace OrleansCache.Client;

/// <summary>How a value is stored.</summary>
public sealed class CacheEntryOptions
{
    /// <summary>How long the value lives in the cluster (and at most in near-caches). Null: until invalidated or evicted.</summary>
    public TimeSpan? Ttl { get; set; }

    /// <summary>Tags for <see cref="IOrleansCache.InvalidateByTagAsync"/>: letters, digits and <c>:_-./</c>.</summary>
    public IList<string> Tags { get; set; } = [];
}
