using System.Security.Cryptography;
using System.Text.RegularExpressions;
using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.TestSupport.Processes;
using OrleansCache.TestSupport.Security;
using Xunit;

namespace OrleansCache.Cache.Tests.Process;

/// <summary>docs/security.md's configuration on the real silo executable: the secret from the environment, TLS from the command line.</summary>
public sealed class SecureSiloProcessTests
{
    [Fact]
    public async Task SiloExecutable_WithSecretFromEnvironment_AndTlsFromCommandLine_ServesOnlyAuthenticatedTlsClients()
    {
        var clusterId = $"secure-{Guid.NewGuid():N}";
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        const string Password = "test-pfx-password";
        using var certificate = TestCertificates.CreateSelfSigned();
        var pfx = TestCertificates.WritePfx(certificate, Password);
        var trusted = TestCertificates.WritePem(certificate);
        try
        {
            await using var silo = await SiloProcess.StartAsync(
                new Dictionary<string, string> { ["ORLEANSCACHE_Security__SharedSecret"] = secret },
                "--cluster-id", clusterId, "--silo-port", "0", "--gateway-port", "0",
                "--tls-certificate", pfx, "--tls-certificate-password", Password);

            await using (var cache = OrleansCacheFactory.Create(Options(clusterId, silo.Gateway, o => o.Security.Tls.TrustedCertificatePath = trusted, secret)))
            {
                await cache.SetAsync("secure:1", "works", cancellationToken: TestContext.Current.CancellationToken);
                Assert.Equal("works", await cache.GetAsync<string>("secure:1", TestContext.Current.CancellationToken));
            }

            await using (var stranger = OrleansCacheFactory.Create(Options(clusterId, silo.Gateway, o => o.Security.Tls.TrustedCertificatePath = trusted, secret: null)))
            {
                var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(
                    async () => await stranger.GetAsync<string>("secure:1", TestContext.Current.CancellationToken));
                Assert.Contains("requires authentication", refused.Message, StringComparison.Ordinal);
            }

            await using (var plaintext = OrleansCacheFactory.Create(Options(clusterId, silo.Gateway, o => o.Security.Tls.Enabled = false, secret)))
            {
                var refused = await Assert.ThrowsAsync<ClusterAuthenticationException>(
                    async () => await plaintext.GetAsync<string>("secure:1", TestContext.Current.CancellationToken));
                Assert.Contains("requires TLS", refused.Message, StringComparison.Ordinal);
            }

            await silo.WaitForOutputAsync(new Regex("Refused .* no credentials", RegexOptions.None, TimeSpan.FromSeconds(1)));
            await silo.TerminateAsync();
            Assert.Equal(0, silo.ExitCode);
            Assert.DoesNotContain(silo.Output, line => line.Contains(secret, StringComparison.Ordinal) || line.Contains(Password, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(pfx);
            File.Delete(trusted);
        }
    }

    private static OrleansCacheClientOptions Options(string clusterId, string gateway, Action<ClusterClientOptions> tls, string? secret)
    {
        var options = new OrleansCacheClientOptions { ClusterId = clusterId };
        options.Gateways.Add(gateway);
        options.Cluster.Security.SharedSecret = secret;
        options.Cluster.Security.Tls.Enabled = true;
        tls(options.Cluster);
        return options;
    }
}
