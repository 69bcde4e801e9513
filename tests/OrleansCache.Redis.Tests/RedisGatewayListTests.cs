using Microsoft.Extensions.Hosting;
using OrleansCache.Client;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Redis.Tests;

public sealed class RedisGatewayListTests(RedisServer redis)
{
    [Fact]
    public async Task ClientWithoutConfiguredGateways_FindsThemInRedis_AndAfterItsGatewayDies()
    {
        var prefix = RedisServer.UniquePrefix();
        await using var cluster = await TestCluster.StartAsync(silos: 2, o => o.ConfigureSilo = silo => silo
            .UseRedisClustering(r => { r.ConnectionString = redis.ConnectionString; r.KeyPrefix = prefix; }), TestContext.Current.CancellationToken);
        var options = new OrleansCacheClientOptions { ClusterId = cluster.Options.ClusterId };
        options.UseRedisGatewayList(redis.ConnectionString, prefix);
        Assert.Empty(options.Gateways);

        await using var client = OrleansCacheFactory.Create(options);
        await client.SetAsync("user:1", "found", cancellationToken: TestContext.Current.CancellationToken);
        var first = cluster.Silos.Single(s => s.GatewayEndPoint == client.Cluster.CurrentGateway);

        await cluster.KillSiloAsync(first, TestContext.Current.CancellationToken);

        Assert.Equal("again", await SetThenGetAsync(client, "user:2", "again"));
        Assert.Equal(cluster.Silos.Single().GatewayEndPoint, client.Cluster.CurrentGateway);
    }

    [Fact]
    public void Options_WithNeitherGatewaysNorProvider_AreRejected_WithTheFixInTheMessage()
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => OrleansCacheFactory.Create(new OrleansCacheClientOptions()));
        Assert.Contains("UseRedisGatewayList", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<string?> SetThenGetAsync(IOrleansCache cache, string key, string value)
    {
        await cache.SetAsync(key, value, cancellationToken: TestContext.Current.CancellationToken);
        return await cache.GetAsync<string>(key, TestContext.Current.CancellationToken);
    }
}
