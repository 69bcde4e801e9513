using Microsoft.Extensions.Hosting;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Redis;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

public sealed class RedisConnectionTests
{
    [Fact]
    public async Task WithRedis_TheToolFindsTheGatewaysInTheMembershipTable()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        var prefix = $"cli:{Guid.NewGuid():N}:";
        await using var cluster = await TestCluster.StartAsync(silos: 2, o => o.ConfigureSilo = silo => silo
            .UseRedisClustering(r => { r.ConnectionString = redis.ConnectionString; r.KeyPrefix = prefix; }), TestContext.Current.CancellationToken);
        string[] connection = ["--redis", redis.ConnectionString, "--redis-prefix", prefix, "--cluster-id", cluster.Options.ClusterId];
        var key = ClusterFixture.Key();

        var members = await Tool.RunAsync([.. connection, "members"]);
        var set = await Tool.RunAsync([.. connection, "set", key, "via redis"]);
        var get = await Tool.RunAsync([.. connection, "get", key]);

        Assert.Equal(0, members.ExitCode);
        Assert.Equal("2 silos: 2 Active", members.OutLines[^1]);
        Assert.Equal(0, set.ExitCode);
        Assert.Equal("via redis\n", get.Out);
    }

    [Fact]
    public async Task WithUnreachableRedis_OneLineError_WithoutTheConnectionString()
    {
        var result = await Tool.RunAsync("members", "--redis", $"{ToolProcess.ClosedEndPoint()},password=secret-word", "--timeout", "2s");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: cannot reach cluster 'dev' via the Redis membership table", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-word", line, StringComparison.Ordinal);
    }
}
