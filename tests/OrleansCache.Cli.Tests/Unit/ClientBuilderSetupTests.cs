using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Messaging;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Values;
using OrleansCache.Client;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

/// <summary>The Orleans client the tool builds, as configured before it connects.</summary>
public sealed class ClientBuilderSetupTests
{
    private static readonly Dictionary<IPEndPoint, string> OneGateway = new() { [new IPEndPoint(IPAddress.Loopback, 30000)] = "localhost" };

    [Fact]
    public async Task Gateways_StaticClustering_WithTheIdsTheCallTimeout_AndNoRetryOfAFailedConnection()
    {
        using var host = ClusterConnection.Build(Settings(), OneGateway, TimeSpan.FromMinutes(3), ["user:"], tls: null);
        var services = host.Services;

        var cluster = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("prod", "billing"), (cluster.ClusterId, cluster.ServiceId));
        Assert.Equal(new Uri("gwy.tcp://127.0.0.1:30000/0"), Assert.Single(services.GetRequiredService<IOptions<StaticGatewayListProviderOptions>>().Value.Gateways));
        Assert.Equal(TimeSpan.FromMinutes(3), services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
        Assert.False(await services.GetRequiredService<IClientConnectionRetryFilter>().ShouldRetryConnectionAttempt(new InvalidOperationException(), CancellationToken.None));
        Assert.IsType<RawValueSerializer>(services.GetRequiredService<ICacheSerializer>());
        var cache = services.GetRequiredService<IOptions<OrleansCacheClientOptions>>().Value;
        Assert.Equal(["user:"], cache.BroadcastPrefixes);
        Assert.Equal(TimeSpan.FromMinutes(3), cache.RetryTimeout);
    }

    [Fact]
    public void Redis_OrleansRedisClustering_WithTheAclUser_ThePasswordFromTheEnvironment_AndAConnectTimeoutWithinTheToolsTimeout()
    {
        var settings = Settings() with { Gateways = [], Redis = new RedisSettings("127.0.0.1:6379", "tool", "from-env"), Timeout = TimeSpan.FromSeconds(2) };
        using var host = ClusterConnection.Build(settings, new Dictionary<IPEndPoint, string>(), TimeSpan.FromSeconds(2), [], tls: null);
        var services = host.Services;

        var redis = services.GetRequiredService<IOptions<RedisClusteringOptions>>().Value.ConfigurationOptions!;
        Assert.Equal(("tool", "from-env"), (redis.User, redis.Password));
        Assert.True(redis.ConnectTimeout <= 2_000, $"{redis.ConnectTimeout} ms");
        Assert.True(redis.AbortOnConnectFail);
        Assert.Equal("RedisGatewayListProvider", services.GetRequiredService<IGatewayListProvider>().GetType().Name);
        Assert.Empty(services.GetRequiredService<IOptions<OrleansCacheClientOptions>>().Value.Gateways);
    }

    [Fact]
    public void RedisSettings_AndTlsSettings_NeverShowTheirPasswords()
    {
        var redis = new RedisSettings("cache:6379,password=in-the-string", "tool", "from-env");
        var tls = new TlsSettings(true, "tool.pfx", null, "pfx-password", null, null);

        Assert.DoesNotContain("in-the-string", redis.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("from-env", redis.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pfx-password", tls.ToString(), StringComparison.Ordinal);
        Assert.Equal("failed: password=***", RedisClustering.Redact("failed: password=in-the-string", redis));
    }

    private static ConnectionSettings Settings() =>
        new(["localhost:30000"], null, "prod", "billing", TimeSpan.FromSeconds(5), Json: false, Progress: false, TlsSettings.None);
}
