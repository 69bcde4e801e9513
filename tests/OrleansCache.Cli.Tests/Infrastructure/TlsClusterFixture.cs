using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>
/// A 3-silo test cluster that speaks only TLS and requires every client to present a certificate issued by the test's
/// CA (mutual TLS, Orleans' <c>UseTls</c>), shared by the tests of one class. The silos' certificate names
/// <c>localhost</c> and 127.0.0.1.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    public X509Certificate2 Ca { get; } = TestCertificates.CreateCa();

    public OrleansCacheTestCluster Cluster { get; private set; } = null!;

    /// <summary>The CA's certificate, for --tls-trusted.</summary>
    public string CaPath { get; private set; } = null!;

    /// <summary>The tool's certificate and key (issued by the CA), for --tls-certificate.</summary>
    public string ToolCertificatePath { get; private set; } = null!;

    /// <summary>--cluster-id, --service-id and every silo's gateway; no TLS option.</summary>
    public string[] Connection => Tool.Connect(Cluster);

    public async ValueTask InitializeAsync()
    {
        var silo = TestCertificates.Create("localhost", Ca);
        var client = TestCertificates.Create("test-client", Ca);
        using var tool = TestCertificates.Create("orleans-cache", Ca);
        CaPath = TestCertificates.WritePem(Ca);
        ToolCertificatePath = TestCertificates.WritePem(tool, withKey: true);
        Cluster = await OrleansCacheTestCluster.StartAsync(silos: 3, o =>
        {
            o.ConfigureSilo = builder => builder.UseTls(silo, tls =>
            {
                tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                tls.RemoteCertificateValidation = IssuedByCa;
                tls.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = "localhost";
            });
            o.ConfigureClientBuilder = builder => builder.UseTls(client, tls =>
            {
                tls.RemoteCertificateValidation = IssuedByCa;
                tls.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = "localhost";
            });
        }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        File.Delete(CaPath);
        File.Delete(ToolCertificatePath);
        Ca.Dispose();
    }

    /// <summary>The silos' side of the trust: a certificate the test's CA issued (and a right name when they call).</summary>
    private bool IssuedByCa(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(Ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(certificate);
    }
}
