using Microsoft.Extensions.Hosting;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

/// <summary>The tool finding a cluster's gateways in Redis, as the silos keep their membership there (Orleans' Redis clustering).</summary>
public sealed class RedisClusteringTests
{
    [Fact]
    public async Task WithRedis_AsAnAclUser_TheToolFindsTheGatewaysInTheMembershipTable()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await OrleansCacheTestCluster.StartAsync(silos: 2, o =>
        {
            o.ConfigureSilo = silo => silo.UseRedisClustering(redis.AuthenticatedConnectionString);
            o.ConfigureClientBuilder = client => client.UseRedisClustering(redis.AuthenticatedConnectionString);
        }, TestContext.Current.CancellationToken);
        string[] connection = ["--redis", redis.ConnectionString, "--redis-user", RedisServer.User, "--cluster-id", cluster.ClusterId, "--service-id", cluster.Cluster.Options.ServiceId];
        var environment = new Dictionary<string, string> { [RedisSettings.PasswordVariable] = RedisServer.Password };
        var key = ClusterFixture.Key();

        var members = await Tool.RunAsync(environment, [.. connection, "members"]);
        var set = await Tool.RunAsync(environment, [.. connection, "set", key, "via redis"]);
        var get = await Tool.RunAsync(environment, [.. connection, "get", key]);
        var wrongPassword = await Tool.RunAsync(new Dictionary<string, string> { [RedisSettings.PasswordVariable] = "not-the-password" }, [.. connection, "members"]);

        Assert.True(members.ExitCode == 0, members.ToString());
        Assert.Equal("2 silos: 2 Active", members.OutLines[^1]);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal("via redis\n", get.Out);
        Assert.Equal(1, wrongPassword.ExitCode);
        var refused = Assert.Single(wrongPassword.ErrorLines);
        Assert.StartsWith($"error: cannot reach cluster '{cluster.ClusterId}' via the Redis membership table: ", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", refused, StringComparison.Ordinal);
    }
}
