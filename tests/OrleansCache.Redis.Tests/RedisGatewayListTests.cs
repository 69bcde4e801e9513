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

    [Fact]
    public async Task ClientWithUnreachableRedis_FailsToConnect_AndDisposesCleanly()
    {
        var options = new OrleansCacheClientOptions { ClusterId = "unreachable" };
        options.Cluster.ConnectTimeout = TimeSpan.FromMilliseconds(500);
        options.UseRedisGatewayList("127.0.0.1:1,connectTimeout=200");
        var client = OrleansCacheFactory.Create(options);

        await Assert.ThrowsAsync<Core.ClusterUnavailableException>(() => client.Cluster.ConnectAsync(TestContext.Current.CancellationToken));

        // Disposing while the provider is still trying Redis used to fail with the provider's cancellation.
        await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    private static async Task<string?> SetThenGetAsync(IOrleansCache cache, string key, string value)
    {
        await cache.SetAsync(key, value, cancellationToken: TestContext.Current.CancellationToken);
        return await cache.GetAsync<string>(key, TestContext.Current.CancellationToken);
    }
}
