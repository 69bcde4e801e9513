using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Core.Management;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class SiloReadMetricsTests
{
    [Fact]
    public async Task Reads_AreCountedByResult_OnTheSilosThatServeThem()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var stored = CacheClusters.Key();
        var missing = CacheClusters.Key();
        var leased = CacheClusters.Key();
        await cluster.Client.GetGrain<ICacheEntryGrain>(stored).SetAsync([1], CacheWriteOptions.Default);

        await cluster.Client.GetGrain<ICacheEntryGrain>(stored).GetAsync();
        await cluster.Client.GetGrain<ICacheEntryGrain>(stored).GetAsync();
        await cluster.Client.GetGrain<ICacheEntryGrain>(stored).GetOrLeaseAsync(TimeSpan.FromSeconds(30));
        await cluster.Client.GetGrain<ICacheEntryGrain>(missing).GetAsync();
        await cluster.Client.GetGrain<ICacheEntryGrain>(leased).GetOrLeaseAsync(TimeSpan.FromSeconds(30));

        var silos = await cluster.Client.GetGrain<IManagementGrain>(IManagementGrain.DefaultKey).GetStatisticsAsync();
        var reads = silos.SelectMany(s => s.Metrics).Where(m => m.Name == "orleanscache.cache.reads").ToList();
        Assert.Equal(3, reads.Where(m => m.Tags.GetValueOrDefault("result") == "hit").Sum(m => m.Value));
        Assert.Equal(2, reads.Where(m => m.Tags.GetValueOrDefault("result") == "miss").Sum(m => m.Value));
        // Counted where the grain runs: the hits are all on the stored key's owner.
        var owner = cluster.OwnerOf<ICacheEntryGrain>(stored).Address.ToString();
        Assert.Equal(3, silos.Single(s => s.Address == owner).Metrics.Where(m => m.Name == "orleanscache.cache.reads" && m.Tags.GetValueOrDefault("result") == "hit").Sum(m => m.Value));
    }
}
