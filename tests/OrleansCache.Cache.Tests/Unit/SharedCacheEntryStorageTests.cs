using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Grains.Storage;
using OrleansCache.TestSupport.Conformance;

namespace OrleansCache.Cache.Tests.Unit;

/// <summary>The shared storage the coherence tests stand in for Redis with keeps Redis's contract, fences included.</summary>
public sealed class SharedCacheEntryStorageTests : FencedCacheEntryStorageConformanceTests
{
    private readonly SharedCacheEntryStorage _storage = new();

    protected override Task<ICacheEntryStorage> GetStorageAsync() => Task.FromResult<ICacheEntryStorage>(_storage);
}
