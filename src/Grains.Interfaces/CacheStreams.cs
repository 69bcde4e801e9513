namespace OrleansCache.Grains.Interfaces;

/// <summary>Names of the cache's push streams.</summary>
internal static class CacheStreams
{
    /// <summary>Invalidation batches: owner to silos, gateway to clients.</summary>
    public const string Invalidations = "cache.inv";

    /// <summary>Gateway to client: revalidate everything.</summary>
    public const string Resync = "cache.resync";

    /// <summary>Client to gateway: broadcast prefixes.</summary>
    public const string Subscription = "cache.sub";
}
