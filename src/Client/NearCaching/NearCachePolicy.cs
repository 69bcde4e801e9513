namespace OrleansCache.Client.NearCaching;

/// <summary>
/// How one call uses the near-cache: whether it may answer from it, whether its result may enter it, and how long that
/// result may stay at most (within <see cref="NearCacheOptions.DefaultTtl"/> and the entry's cluster TTL).
/// </summary>
/// <remarks>
/// Not writing never leaves an older copy behind: the call's fill is voided, so the copy it replaces is still dropped.
/// </remarks>
internal sealed record NearCachePolicy(bool Read, bool Write, TimeSpan? Ttl)
{
    /// <summary>Read, write, and keep as long as the near-cache allows: what the typed API does.</summary>
    public static readonly NearCachePolicy Default = new(true, true, null);
}
