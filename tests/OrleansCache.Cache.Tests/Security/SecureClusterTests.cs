using System.Security.Cryptography;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.TestSupport.Metrics;
using OrleansCache.TestSupport.Security;
using Xunit;

namespace OrleansCache.Cache.Tests.Security;

/// <summary>The cache end to end on a cluster that requires a secret and speaks TLS only.</summary>
public sealed class SecureClusterTests
{
    [Fact]
    public async Task SecretAndTls_ThreeSilos_SetGetInvalidate_AcrossClients()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var cluster = await CacheClusters.StartAsync(silos: 3, o =>
        {
            o.SharedSecret = NewSecret();
            o.ServerCertificate = certificate;
        });
        var clients = await CacheClusters.ClientsAsync(cluster, 3);
        var (key, tagged, tag) = (CacheClusters.Key(), CacheClusters.Key(), $"tenant:{Guid.NewGuid():N}");

        await clients[0].SetAsync(key, "v1", cancellationToken: TestContext.Current.CancellationToken);
        await clients[0].SetAsync(tagged, "t1", new CacheEntryOptions { Tags = [tag] }, TestContext.Current.CancellationToken);
        foreach (var client in clients)
        {
            Assert.Equal("v1", await client.GetAsync<string>(key, TestContext.Current.CancellationToken));
            Assert.Equal("t1", await client.GetAsync<string>(tagged, TestContext.Current.CancellationToken));
        }

        var watches = clients.Skip(1).Select(c => new Watch(c)).ToList();
        await clients[0].SetAsync(key, "v2", cancellationToken: TestContext.Current.CancellationToken);
        await Task.WhenAll(watches.Select(w => w.ForKeyAsync(key)));
        await clients[1].InvalidateByTagAsync(tag, TestContext.Current.CancellationToken);
        await watches[1].ForAsync(e => e.Kind == CacheInvalidationKind.Tag);

        foreach (var client in clients)
        {
            Assert.Equal("v2", await client.GetAsync<string>(key, TestContext.Current.CancellationToken));
        }

        Assert.False(clients[2].Serves(tagged));
        watches.ForEach(w => w.Dispose());
    }

    [Fact]
    public async Task WrongSecret_CacheCallFailsFast_WithTheTypedException_AndIsCounted()
    {
        using var rejected = new MetricTotals("OrleansCache.Runtime", "reason");
        await using var cluster = await CacheClusters.StartAsync(silos: 2, o => o.SharedSecret = NewSecret());
        var options = new OrleansCacheClientOptions { ClusterId = cluster.Options.ClusterId };
        options.Gateways.Add(cluster.Silos[0].GatewayEndPoint);
        options.Cluster.ResponseTimeout = TimeSpan.FromMinutes(5);
        options.UseSharedSecret(NewSecret());
        await using var cache = OrleansCacheFactory.Create(options);

        // A five-minute response timeout: only failing fast ends this within the test's time.
        var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(
            () => cache.SetAsync(CacheClusters.Key(), "never", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("authentication failed", refused.Message, StringComparison.Ordinal);
        Assert.True(rejected.ByTag.GetValueOrDefault("auth") >= 1, rejected.DescribeByTag());
        var key = CacheClusters.Key();
        await cluster.Cache.SetAsync(key, "still served", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("still served", await cluster.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
