using System.Text;
using Microsoft.Extensions.Hosting;
using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestSupport.Metrics;
using OrleansCache.TestSupport.Security;
using Xunit;

namespace OrleansCache.Runtime.Tests.Security;

/// <summary>TLS on the silo and gateway ports with a certificate each test makes for itself.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task TlsCluster_ServesCalls_ThroughEveryGateway_AndBetweenSilos()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var cluster = await Clusters.StartAsync(silos: 3, o => o.ServerCertificate = certificate);

        foreach (var gateway in cluster.Silos)
        {
            var client = await cluster.CreateClientAsync(gateway, cancellationToken: TestContext.Current.CancellationToken);
            foreach (var owner in cluster.Silos)
            {
                var call = await client.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(owner)).NextAsync();
                Assert.Equal(owner.Address.ToString(), call.Silo);
            }
        }
    }

    [Fact]
    public async Task ClientThatDoesNotTrustTheCertificate_FailsWithAClearError()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        using var other = TestCertificates.CreateSelfSigned();
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.ServerCertificate = certificate);

        var untrusted = await Assert.ThrowsAsync<ClusterAuthenticationException>(() => cluster.CreateClientAsync(
            configure: o =>
            {
                o.Security.Tls.TrustedCertificates.Clear();
                o.Security.Tls.TrustedCertificates.Add(other);
            },
            cancellationToken: TestContext.Current.CancellationToken));
        var wrongName = await Assert.ThrowsAsync<ClusterAuthenticationException>(() => cluster.CreateClientAsync(
            configure: o => o.Security.Tls.TargetHost = "cache.example",
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("is not trusted for '127.0.0.1'", untrusted.Message, StringComparison.Ordinal);
        Assert.Contains("is not trusted for 'cache.example'", wrongName.Message, StringComparison.Ordinal);
        Assert.Contains("RemoteCertificateNameMismatch", wrongName.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PinnedCertificate_ThroughTheValidationCallback_IsAccepted()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.ServerCertificate = certificate);

        var client = await cluster.CreateClientAsync(
            configure: o =>
            {
                o.Security.Tls.TrustedCertificates.Clear();
                o.Security.Tls.RemoteCertificateValidation = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString();
            },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, (await client.GetGrain<ISequenceGrain>(Keys.Unique()).NextAsync()).Count);
    }

    [Fact]
    public async Task PlaintextClient_OnATlsPort_IsRefusedClearly_Counted_AndTheSiloKeepsServing()
    {
        using var metrics = new MetricTotals(RuntimeMetrics.MeterName, "reason");
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.ServerCertificate = certificate);
        var grain = cluster.Client.GetGrain<ISequenceGrain>(Keys.Unique());
        await grain.NextAsync();

        var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(() => cluster.CreateClientAsync(
            configure: o => o.Security.Tls.Enabled = false,
            cancellationToken: TestContext.Current.CancellationToken));
        await RawConnection.SendAndAwaitCloseAsync(cluster.Silos[0].GatewayEndPoint, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"), halfClose: true, Clusters.Timeout, TestContext.Current.CancellationToken);

        Assert.Contains("requires TLS", refused.Message, StringComparison.Ordinal);
        Assert.True(metrics.ByTag.GetValueOrDefault("tls") >= 2, metrics.DescribeByTag());
        Assert.True(cluster.Client.IsConnected);
        Assert.Equal(2, (await grain.NextAsync()).Count);
    }

    [Fact]
    public async Task TlsClient_OnAPlaintextPort_FailsWithAHintAboutTls()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var cluster = await Clusters.StartAsync(silos: 1);

        var unavailable = await Assert.ThrowsAsync<ClusterUnavailableException>(() => cluster.CreateClientAsync(
            configure: o =>
            {
                o.UseTls(certificate);
                o.ConnectTimeout = TimeSpan.FromSeconds(2);
            },
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("TLS", unavailable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiloWithAnUntrustedCertificate_CannotJoin()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        using var stranger = TestCertificates.CreateSelfSigned();
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.ServerCertificate = certificate);

        var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(() => cluster.StartAdditionalSiloAsync(
            s => s.ConfigureSecurity(o => o.Tls.Certificate = stranger),
            TestContext.Current.CancellationToken));

        Assert.Contains("cannot join", refused.Message, StringComparison.Ordinal);
        Assert.Contains("not trusted", refused.Message, StringComparison.Ordinal);
        Assert.Single(cluster.Silos);
    }

    [Fact]
    public async Task SiloWithoutTls_CannotJoinATlsCluster()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.ServerCertificate = certificate);

        var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(() => cluster.StartAdditionalSiloAsync(
            s => s.ConfigureSecurity(o => o.Tls.Certificate = null),
            TestContext.Current.CancellationToken));

        Assert.Contains("requires TLS", refused.Message, StringComparison.Ordinal);
        Assert.Single(cluster.Silos);
    }

    [Fact]
    public async Task SiloTrustingAPrivateRoot_JoinsAClusterWhoseCertificateChainsToIt()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        using var second = TestCertificates.CreateSelfSigned();
        // Each silo has its own certificate; each trusts the other's, as it would a private CA.
        await using var cluster = await Clusters.StartAsync(silos: 1, o =>
        {
            o.ServerCertificate = certificate;
            o.ConfigureSilo = s => s.ConfigureSecurity(security => security.Tls.TrustedCertificates.Add(second));
        });

        var joined = await cluster.StartAdditionalSiloAsync(
            s => s.ConfigureSecurity(o =>
            {
                o.Tls.Certificate = second;
                o.Tls.TrustedCertificates.Add(certificate);
            }),
            TestContext.Current.CancellationToken);

        var call = await cluster.Client.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(joined)).NextAsync();
        Assert.Equal(joined.Address.ToString(), call.Silo);
    }

    [Fact]
    public async Task SecretAndTls_Together_RefuseTheWrongSecretInsideTls()
    {
        using var metrics = new MetricTotals(RuntimeMetrics.MeterName, "reason");
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var cluster = await Clusters.StartAsync(silos: 2, o =>
        {
            o.ServerCertificate = certificate;
            o.SharedSecret = Secrets.New();
        });

        await Assert.ThrowsAsync<ClusterAuthenticationException>(() => cluster.CreateClientAsync(
            configure: o => o.Security.SharedSecret = Secrets.New(),
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.True(metrics.ByTag.GetValueOrDefault("auth") >= 1, metrics.DescribeByTag());
        await cluster.Client.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(cluster.Silos[1])).NextAsync();
    }
}
