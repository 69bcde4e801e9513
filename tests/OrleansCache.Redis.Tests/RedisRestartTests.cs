using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Core.Membership;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Redis.Tests;

public sealed class RedisRestartTests
{
    [Fact]
    public async Task RedisRestartWithoutPersistence_SilosRejoin_VersionsNeverGoBack_AndTheCacheKeepsWorking()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        var prefix = RedisServer.UniquePrefix();
        await using var cluster = await TestCluster.StartAsync(silos: 3, o => o.ConfigureSilo = silo => silo
            .UseRedisClustering(r => { r.ConnectionString = redis.ConnectionString; r.KeyPrefix = prefix; })
            .AddRedisCacheStorage(), TestContext.Current.CancellationToken);
        var key = $"user:{Guid.NewGuid():N}";
        await cluster.Cache.SetAsync(key, "before", cancellationToken: TestContext.Current.CancellationToken);
        var before = await cluster.Client.GetGrain<ICacheEntryGrain>(key).GetVersionAsync();
        var viewBefore = cluster.Silos.Max(s => s.MembershipVersion);

        // No persistence: the restarted Redis is empty, membership table included.
        await redis.RestartAsync();
        await cluster.WaitForStableViewAsync(minimumVersion: viewBefore + 1, cancellationToken: TestContext.Current.CancellationToken);

        var table = await cluster.Silos[0].Services.GetRequiredService<IMembershipTable>().ReadAllAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, table.Entries.Count(e => e.Status == SiloStatus.Active));
        Assert.True(table.Version > viewBefore, $"The table version went from {viewBefore} to {table.Version}.");
        await cluster.Cache.SetAsync(key, "after", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(await cluster.Client.GetGrain<ICacheEntryGrain>(key).GetVersionAsync() > before);
        var other = await cluster.CreateCacheClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("after", await other.GetAsync<string>(key, TestContext.Current.CancellationToken));
    }
}
