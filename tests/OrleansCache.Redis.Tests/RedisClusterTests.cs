using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Client;
using OrleansCache.Core.Membership;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Redis.Tests;

public sealed class RedisClusterTests(RedisServer redis)
{
    [Fact]
    public async Task SilosOnRedis_FormOneCluster_AndAnAcknowledgedWriteSurvivesItsOwnersCrash()
    {
        var prefix = RedisServer.UniquePrefix();
        await using var cluster = await TestCluster.StartAsync(silos: 3, o => o.ConfigureSilo = silo => silo
            .UseRedisClustering(r => { r.ConnectionString = redis.ConnectionString; r.KeyPrefix = prefix; })
            .AddRedisCacheStorage(r => { r.ConnectionString = redis.ConnectionString; r.KeyPrefix = prefix; }), TestContext.Current.CancellationToken);
        var joined = await cluster.Silos[0].Services.GetRequiredService<IMembershipTable>().ReadAllAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, joined.Entries.Count(e => e.Status == SiloStatus.Active));
        var owner = cluster.Silos[1];
        var key = cluster.KeyOwnedBy<ICacheEntryGrain>(owner, "user");
        var survivor = cluster.Silos[0];
        var reader = await cluster.CreateCacheClientAsync(gateway: survivor, cancellationToken: TestContext.Current.CancellationToken);
        await cluster.Cache.SetAsync(key, "durable", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("durable", await reader.GetAsync<string>(key, TestContext.Current.CancellationToken));
        var version = await reader.Cluster.GetGrain<ICacheEntryGrain>(key).GetVersionAsync();

        await cluster.KillSiloAsync(owner, TestContext.Current.CancellationToken);
        await cluster.WaitForStableViewAsync(cancellationToken: TestContext.Current.CancellationToken);

        // The new owner reads the value back from Redis: same value, same version.
        var entry = await reader.Cluster.GetGrain<ICacheEntryGrain>(key).GetAsync();
        Assert.True(entry.Found);
        Assert.Equal(version, entry.Version);
        Assert.Equal("durable", await reader.GetAsync<string>(key, TestContext.Current.CancellationToken));

        // And it writes on from there: later versions, fenced by the stored ETag.
        await reader.SetAsync(key, "after", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(await reader.Cluster.GetGrain<ICacheEntryGrain>(key).GetVersionAsync() > version);
        var table = await cluster.Silos[0].Services.GetRequiredService<IMembershipTable>().ReadAllAsync(TestContext.Current.CancellationToken);
        Assert.Equal(SiloStatus.Dead, table.Entries.Single(e => e.Silo.Equals(owner.Address)).Status);
    }
}
