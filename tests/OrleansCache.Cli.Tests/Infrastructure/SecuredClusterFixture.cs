using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Security;
using Xunit;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>
/// A 3-silo test cluster that requires a shared secret and serves TLS with a self-signed certificate made for the
/// test, shared by the tests of one class.
/// </summary>
public sealed class SecuredClusterFixture : IAsyncLifetime
{
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Secret { get; } = NewSecret();

    public X509Certificate2 Certificate { get; } = TestCertificates.CreateSelfSigned();

    /// <summary>The silos' certificate (without its key) in a PEM file, for --tls-trusted.</summary>
    public string TrustedCertificatePath { get; private set; } = null!;

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>--cluster-id and every silo's gateway; no secret, no TLS.</summary>
    public string[] Connection => Tool.Connect(Cluster.Options.ClusterId, [.. Cluster.Silos.Select(s => s.GatewayEndPoint)]);

    public async ValueTask InitializeAsync()
    {
        TrustedCertificatePath = TestCertificates.WritePem(Certificate);
        Cluster = await TestCluster.StartAsync(silos: 3, o =>
        {
            o.SharedSecret = Secret;
            o.ServerCertificate = Certificate;
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        File.Delete(TrustedCertificatePath);
        Certificate.Dispose();
    }
}
