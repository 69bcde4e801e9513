using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestSupport.Metrics;
using Xunit;

namespace OrleansCache.Runtime.Tests.Security;

/// <summary>The shared secret: who gets in, who does not, and what they are told (docs/adr/0020).</summary>
public sealed class AuthenticationTests
{
    private const string Rejected = "orleanscache.connections.rejected";

    [Fact]
    public async Task RightSecret_ClientsAndSilos_Work_ThroughGatewaysAndForwarding()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2, o => o.SharedSecret = Secrets.New());
        var client = await cluster.CreateClientAsync(gateway: cluster.Silos[0], cancellationToken: TestContext.Current.CancellationToken);

        // A grain owned by the other silo: the call is forwarded over an authenticated silo-to-silo connection.
        var remote = await client.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(cluster.Silos[1])).NextAsync();
        var local = await client.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(cluster.Silos[0])).NextAsync();

        Assert.Equal(cluster.Silos[1].Address.ToString(), remote.Silo);
        Assert.Equal(cluster.Silos[0].Address.ToString(), local.Silo);
    }

    [Fact]
    public async Task WrongSecret_ClientIsRefused_WithTypedException_AndCounted()
    {
        using var metrics = new MetricTotals(RuntimeMetrics.MeterName, "reason");
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.SharedSecret = Secrets.New());

        var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(
            () => cluster.CreateClientAsync(configure: o => o.Security.SharedSecret = Secrets.New(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("authentication failed", refused.Message, StringComparison.Ordinal);
        Assert.Contains("SharedSecret", refused.Message, StringComparison.Ordinal);
        Assert.True(metrics.ByTag.GetValueOrDefault("auth") >= 1, metrics.DescribeByTag());
        Assert.Equal(1, (await cluster.Client.GetGrain<ISequenceGrain>(Keys.Unique()).NextAsync()).Count);
    }

    [Fact]
    public async Task WrongSecret_GrainCall_FailsFast_InsteadOfWaitingForAGateway_AndRetriesOnTheNextCall()
    {
        var secret = Secrets.New();
        await using var cluster = await Clusters.StartAsync(silos: 2, o => o.SharedSecret = secret);
        var options = new ClusterClientOptions { ClusterId = cluster.Options.ClusterId, ResponseTimeout = TimeSpan.FromMinutes(5) };
        options.Gateways.Add(cluster.Silos[0].GatewayEndPoint);
        options.Gateways.Add(cluster.Silos[1].GatewayEndPoint);
        options.UseSharedSecret(Secrets.New());
        await using var client = ClusterClientFactory.Create(options);
        var grain = client.GetGrain<ISequenceGrain>(Keys.Unique());

        // A five-minute response timeout: only failing fast finishes this within the test's time.
        var first = await Assert.ThrowsAsync<ClusterAuthenticationException>(() => grain.NextAsync());
        var second = await Assert.ThrowsAsync<ClusterAuthenticationException>(() => grain.NextAsync());

        Assert.NotSame(first, second);
        Assert.Contains("authentication failed", second.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task MissingSecret_ClientIsRefused_WithTheReason()
    {
        using var metrics = new MetricTotals(RuntimeMetrics.MeterName, "reason");
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.SharedSecret = Secrets.New());

        var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(
            () => cluster.CreateClientAsync(configure: o => o.Security.SharedSecret = null, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("requires authentication", refused.Message, StringComparison.Ordinal);
        Assert.True(metrics.ByTag.GetValueOrDefault("auth") >= 1, metrics.DescribeByTag());
    }

    [Fact]
    public async Task ClientWithSecret_RefusesASiloThatDoesNotAuthenticate()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);

        var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(
            () => cluster.CreateClientAsync(configure: o => o.UseSharedSecret(Secrets.New()), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("without authenticating", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiloWithWrongSecret_CannotJoin_AndTheClusterKeepsServing()
    {
        using var metrics = new MetricTotals(RuntimeMetrics.MeterName, "reason");
        await using var cluster = await Clusters.StartAsync(silos: 2, o => o.SharedSecret = Secrets.New());
        var grain = cluster.Client.GetGrain<ISequenceGrain>(Keys.Unique());
        await grain.NextAsync();

        var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(
            () => cluster.StartAdditionalSiloAsync(s => s.UseSharedSecret(Secrets.New()), TestContext.Current.CancellationToken));

        Assert.Contains("cannot join", refused.Message, StringComparison.Ordinal);
        Assert.Contains("authentication failed", refused.Message, StringComparison.Ordinal);
        Assert.True(metrics.ByTag.GetValueOrDefault("auth") >= 1, metrics.DescribeByTag());
        await AssertOnlyMembersAreActiveAsync(cluster);
        Assert.Equal(2, (await grain.NextAsync()).Count);
    }

    [Fact]
    public async Task SiloWithoutSecret_CannotJoin()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.SharedSecret = Secrets.New());

        var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(
            () => cluster.StartAdditionalSiloAsync(s => s.ConfigureSecurity(o => o.SharedSecret = null), TestContext.Current.CancellationToken));

        Assert.Contains("requires authentication", refused.Message, StringComparison.Ordinal);
        await AssertOnlyMembersAreActiveAsync(cluster);
    }

    [Fact]
    public async Task ClientKey_LetsThatClientIn_AndAnUnknownKeyIdOrTheWrongKeyIsRefused()
    {
        var billing = Secrets.New();
        await using var cluster = await Clusters.StartAsync(silos: 1, o =>
        {
            o.SharedSecret = Secrets.New();
            o.ConfigureSilo = s => s.ConfigureSecurity(security => security.ClientKeys["billing"] = billing);
        });

        var client = await cluster.CreateClientAsync(configure: o => o.UseSharedSecret(billing, keyId: "billing"), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, (await client.GetGrain<ISequenceGrain>(Keys.Unique()).NextAsync()).Count);

        await Assert.ThrowsAsync<ClusterAuthenticationException>(
            () => cluster.CreateClientAsync(configure: o => o.UseSharedSecret(billing, keyId: "reports"), cancellationToken: TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ClusterAuthenticationException>(
            () => cluster.CreateClientAsync(configure: o => o.UseSharedSecret(Secrets.New(), keyId: "billing"), cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ClientKey_IsNotAcceptedFromASilo()
    {
        var key = Secrets.New();
        await using var cluster = await Clusters.StartAsync(silos: 1, o =>
        {
            o.SharedSecret = Secrets.New();
            o.ConfigureSilo = s => s.ConfigureSecurity(security => security.ClientKeys["billing"] = key);
        });

        // A silo proves the cluster's secret; knowing a client key must not make it a member.
        await Assert.ThrowsAsync<ClusterAuthenticationException>(
            () => cluster.StartAdditionalSiloAsync(s => s.ConfigureSecurity(o => o.SharedSecret = key), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AcceptedSecrets_RotateTheSecret_WithoutRefusingAnyoneOnTheWay()
    {
        var (old, next) = (Secrets.New(), Secrets.New());
        // Step 1 done on the first silo (new secret accepted); step 2 on the second (new secret sent, old accepted).
        await using var cluster = await Clusters.StartAsync(silos: 1, o =>
        {
            o.SharedSecret = old;
            o.ConfigureSilo = s => s.ConfigureSecurity(security => security.AcceptedSecrets.Add(next));
        });
        await cluster.StartAdditionalSiloAsync(
            s => s.ConfigureSecurity(security =>
            {
                security.SharedSecret = next;
                security.AcceptedSecrets.Clear();
                security.AcceptedSecrets.Add(old);
            }),
            TestContext.Current.CancellationToken);

        foreach (var secret in new[] { old, next })
        {
            foreach (var silo in cluster.Silos)
            {
                var client = await cluster.CreateClientAsync(silo, o => o.UseSharedSecret(secret), TestContext.Current.CancellationToken);
                foreach (var owner in cluster.Silos)
                {
                    await client.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(owner)).NextAsync();
                }
            }
        }
    }

    [Fact]
    public async Task ShortSecret_IsRejectedAtStartup_WithAMessageThatNamesTheSettingButNotTheSecret()
    {
        const string Short = "tiny-secret-123";
        var options = new ClusterClientOptions();
        options.Gateways.Add("127.0.0.1:30000");
        options.Security.SharedSecret = Short;

        var client = Assert.Throws<OptionsValidationException>(() => ClusterClientFactory.Create(options));
        var silo = await Assert.ThrowsAsync<OptionsValidationException>(() => Clusters.StartAsync(silos: 1, o => o.SharedSecret = Short));

        foreach (var message in new[] { client.Message, silo.Message })
        {
            Assert.Contains("SharedSecret is too short", message, StringComparison.Ordinal);
            Assert.DoesNotContain(Short, message, StringComparison.Ordinal);
        }
    }

    private static async Task AssertOnlyMembersAreActiveAsync(TestingHost.TestCluster cluster)
    {
        var snapshot = await cluster.MembershipTable.ReadAllAsync(TestContext.Current.CancellationToken);
        var active = snapshot.Entries.Where(e => e.Status == SiloStatus.Active).Select(e => e.Silo).ToHashSet();
        Assert.True(active.SetEquals(cluster.Silos.Select(s => s.Address)), $"Active in the table: {string.Join(", ", active)}.");
    }
}
