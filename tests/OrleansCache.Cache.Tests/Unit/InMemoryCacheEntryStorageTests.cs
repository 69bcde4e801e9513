using Microsoft.Extensions.DependencyInjection;
using OrleansCache.TestSupport.Conformance;
using OrleansCache.Grains.Storage;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

/// <summary>The storage contract on the in-memory storage, taken from a one-silo cluster (which owns every key).</summary>
public sealed class InMemoryCacheEntryStorageTests(InMemoryCacheEntryStorageTests.OneSilo silo) : CacheEntryStorageConformanceTests, IClassFixture<InMemoryCacheEntryStorageTests.OneSilo>
{
    protected override Task<ICacheEntryStorage> GetStorageAsync() => silo.StorageAsync();

    public sealed class OneSilo : IAsyncLifetime
    {
        private TestCluster? _cluster;

        public Task<ICacheEntryStorage> StorageAsync() => Task.FromResult(_cluster!.Silos[0].Services.GetRequiredService<ICacheEntryStorage>());

        public async ValueTask InitializeAsync() => _cluster = await TestCluster.StartAsync(silos: 1);

        public async ValueTask DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
    }
}
