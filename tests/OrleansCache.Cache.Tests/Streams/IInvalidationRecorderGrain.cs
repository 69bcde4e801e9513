using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cache.Tests.Streams;

/// <summary>What an application's grain heard on the cache's invalidation streams.</summary>
public interface IInvalidationRecorderGrain : IGrainWithStringKey
{
    Task<CacheInvalidationEvent[]> GetEventsAsync();
}
