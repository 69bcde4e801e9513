using OrleansCache.Grains.Storage;
using OrleansCache.TestSupport.Conformance;
using Xunit;

namespace OrleansCache.Redis.Tests.Storage;

/// <summary>
/// The storage contract against the in-memory <c>CacheStoreGrain</c>s, reached as grains do, through
/// <see cref="InMemoryCacheEntryStorage"/> in an Orleans test cluster whose grains run on a fake clock.
/// </summary>
public sealed class InMemoryStorageConformanceTests(InMemoryStorageCluster cluster) : CacheEntryStorageConformanceTests, IClassFixture<InMemoryStorageCluster>
{
    protected override TimeSpan FenceRetention => InMemoryStorageCluster.FenceRetention;

    protected override DateTimeOffset Now => cluster.Time.GetUtcNow();

    protected override ICacheEntryStorage Storage { get; } = new InMemoryCacheEntryStorage(cluster.Cluster.Client);

    protected override Task AdvanceAsync(TimeSpan time)
    {
        cluster.Time.Advance(time);
        return Task.CompletedTask;
    }
}
