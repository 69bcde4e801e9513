using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Orleans.Connections.Security;
using OrleansCache.Silo.Tests.Infrastructure;
using OrleansCache.TestSupport.Logging;
using OrleansCache.TestSupport.Security;
using Xunit;

namespace OrleansCache.Silo.Tests.Security;

/// <summary>
/// Access control with Orleans' TLS: who may connect to the gateway, certificate rotation without a restart, and no
/// secret in any log.
/// </summary>
public sealed class SiloTlsTests : IDisposable
{
    private const string Password = "pfx-password-that-must-never-be-logged";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("orleanscache-tls-");
    private readonly CapturedLogs _logs = new();
    private readonly List<X509Certificate2> _certificates = [];

    [Fact]
    public async Task PlainClient_IsRefused_WithOneError_AndAClientThatTrustsTheSilo_Connects()
    {
        var server = Keep(TestCertificates.CreateSelfSigned());
        await using var silo = await TlsSilo.StartAsync(_logs, "--tls-certificate", TestCertificates.WritePfx(server, Password, _folder.FullName), "--Tls:CertificatePassword=" + Password);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Clients.StartAsync(silo.Gateway, silo.ClusterId));
        Assert.IsNotType<TimeoutException>(refused);

        var client = await Clients.StartAsync(silo.Gateway, silo.ClusterId, c => c.UseTls(o => o.RemoteCertificateValidation = Pinned(server)));
        await WorksAsync(client);
        await client.StopQuietlyAsync();
        AssertNoSecretLogged(server);
    }

    [Fact]
    public async Task MutualTls_Required_AcceptsAClientOfTheTrustedAuthority_RefusesAnUntrustedOrMissingCertificate()
    {
        var server = Keep(TestCertificates.CreateSelfSigned());
        var authority = Keep(TestCertificates.CreateAuthority());
        var trusted = Keep(TestCertificates.Issue(authority, "good client"));
        var stranger = Keep(TestCertificates.CreateSelfSigned("stranger"));
        var (certificatePath, keyPath) = TestCertificates.WritePemPair(server, _folder.FullName);
        await using var silo = await TlsSilo.StartAsync(_logs,
            "--tls-certificate", certificatePath, "--tls-certificate-key", keyPath,
            "--tls-client-certificates", "required", "--tls-trusted", TestCertificates.WritePem(authority, _folder.FullName));

        var good = await Clients.StartAsync(silo.Gateway, silo.ClusterId, c => c.UseTls(trusted, o => o.RemoteCertificateValidation = Pinned(server)));
        await WorksAsync(good);
        await good.StopQuietlyAsync();

        var untrusted = await Assert.ThrowsAnyAsync<Exception>(() => Clients.StartAsync(silo.Gateway, silo.ClusterId, c => c.UseTls(stranger, o => o.RemoteCertificateValidation = Pinned(server))));
        Assert.IsNotType<TimeoutException>(untrusted);
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => Clients.StartAsync(silo.Gateway, silo.ClusterId, c => c.UseTls(o => o.RemoteCertificateValidation = Pinned(server))));
        Assert.IsNotType<TimeoutException>(missing);
        await _logs.WhenAsync(e => e.Any(l => l.Contains("[6304]", StringComparison.Ordinal) && l.Contains(stranger.Subject, StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        AssertNoSecretLogged(server, trusted, stranger);
    }

    [Fact]
    public async Task RotatedCertificateFile_IsUsedByNewConnections_WithoutARestart()
    {
        var before = Keep(TestCertificates.CreateSelfSigned("before"));
        var after = Keep(TestCertificates.CreateSelfSigned("after"));
        var path = TestCertificates.WritePfx(before, Password, _folder.FullName);
        await using var silo = await TlsSilo.StartAsync(_logs, "--tls-certificate", path, "--Tls:CertificatePassword=" + Password, "--Tls:ReloadInterval=00:00:00.100");

        var first = await Clients.StartAsync(silo.Gateway, silo.ClusterId, c => c.UseTls(o => o.RemoteCertificateValidation = Pinned(before)));
        await WorksAsync(first);

        TestCertificates.ReplacePfx(path, after, Password);
        await _logs.WhenAsync(e => e.Any(l => l.Contains("[6302]", StringComparison.Ordinal) && l.Contains(after.Subject, StringComparison.Ordinal)), TimeSpan.FromSeconds(30));

        // A new connection sees the new certificate, and the connection made before the rotation still works.
        var second = await Clients.StartAsync(silo.Gateway, silo.ClusterId, c => c.UseTls(o => o.RemoteCertificateValidation = Pinned(after)));
        await WorksAsync(second);
        await WorksAsync(first);
        await Assert.ThrowsAnyAsync<Exception>(() => Clients.StartAsync(silo.Gateway, silo.ClusterId, c => c.UseTls(o => o.RemoteCertificateValidation = Pinned(before))));
        await second.StopQuietlyAsync();
        await first.StopQuietlyAsync();
        AssertNoSecretLogged(before, after);
    }

    public void Dispose()
    {
        _certificates.ForEach(c => c.Dispose());
        _folder.Delete(recursive: true);
    }

    /// <summary>Trusts exactly <paramref name="server"/>, as a client pinning its cluster's certificate would.</summary>
    private static RemoteCertificateValidator Pinned(X509Certificate2 server) =>
        (certificate, _, _) => certificate.RawDataMemory.Span.SequenceEqual(server.RawDataMemory.Span);

    private static async Task WorksAsync(IHost client)
    {
        var key = $"tls:{Guid.NewGuid():N}";
        await client.Cache().SetAsync(key, "secret-free value", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("secret-free value", await client.Cache().GetAsync<string>(key, TestContext.Current.CancellationToken));
    }

    private X509Certificate2 Keep(X509Certificate2 certificate)
    {
        _certificates.Add(certificate);
        return certificate;
    }

    /// <summary>No log event carries the password or any 24-character piece of a private key.</summary>
    private void AssertNoSecretLogged(params X509Certificate2[] certificates)
    {
        var entries = _logs.Entries;
        Assert.NotEmpty(entries);
        Assert.DoesNotContain(entries, e => e.Contains(Password, StringComparison.Ordinal));
        foreach (var certificate in certificates)
        {
            var key = TestCertificates.PrivateKeyBase64(certificate);
            var pieces = Enumerable.Range(0, key.Length / 24).Select(i => key.Substring(i * 24, 24)).ToList();
            Assert.DoesNotContain(entries, e => pieces.Any(p => e.Contains(p, StringComparison.Ordinal)));
            Assert.DoesNotContain(entries, e => e.Contains(Convert.ToHexString(certificate.GetECDsaPrivateKey()!.ExportParameters(true).D!), StringComparison.OrdinalIgnoreCase));
        }
    }
}
