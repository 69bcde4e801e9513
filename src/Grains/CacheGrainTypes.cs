using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains;

/// <summary>Wire names of the cache's grain types.</summary>
internal static class CacheGrainTypes
{
    public static readonly string CacheEntry = Core.GrainTypeNames.Of(typeof(ICacheEntryGrain));
}
