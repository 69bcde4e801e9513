using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

/// <summary>How the TLS options become the <c>TlsOptions</c> that the tool gives Orleans' <c>UseTls</c>.</summary>
public sealed class ClientTlsTests : IDisposable
{
    private static readonly IPEndPoint Gateway = new(IPAddress.Loopback, 30000);

    private readonly List<string> _files = [];

    [Fact]
    public void TrustedCa_AcceptsTheCertificatesItIssued_AndRefusesOthers_SayingWhy()
    {
        using var ca = TestCertificates.CreateCa();
        using var silo = TestCertificates.Create("cache.internal", ca);
        using var stranger = TestCertificates.Create("cache.internal");
        var tls = Create(new TlsSettings(true, null, null, null, File(TestCertificates.WritePem(ca)), null));

        Assert.True(tls.Validator.Validate(silo, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Null(tls.Validator.LastRefusal);
        Assert.False(tls.Validator.Validate(stranger, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Equal("the gateway's certificate 'CN=cache.internal' is not trusted (RemoteCertificateChainErrors)", tls.Validator.LastRefusal);
    }

    [Fact]
    public void TrustedFile_NeverExcusesAWrongName()
    {
        using var silo = TestCertificates.Create("cache.internal");
        var tls = Create(new TlsSettings(true, null, null, null, File(TestCertificates.WritePem(silo)), null));

        Assert.True(tls.Validator.Validate(silo, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(tls.Validator.Validate(silo, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains("RemoteCertificateNameMismatch", tls.Validator.LastRefusal, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTrustedFile_OnlyWhatTheSystemTrustsIsAccepted()
    {
        using var silo = TestCertificates.Create("cache.internal");
        var tls = Create(new TlsSettings(true, null, null, null, null, null));

        Assert.True(tls.Validator.Validate(silo, null, SslPolicyErrors.None));
        Assert.False(tls.Validator.Validate(silo, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void TargetHost_IsTlsHost_ElseTheGatewaysGivenName_ElseItsAddress()
    {
        var byName = Create(new TlsSettings(true, null, null, null, null, null));
        var byOption = Create(new TlsSettings(true, null, null, null, null, "cache.example"));

        Assert.Equal("cache.internal", byName.TargetHost(Gateway));
        Assert.Equal("cache.internal", byName.TargetHost(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 30000)));
        Assert.Equal("127.0.0.1", byName.TargetHost(new IPEndPoint(IPAddress.Loopback, 30001)));
        Assert.Equal("cache.example", byOption.TargetHost(Gateway));
    }

    [Fact]
    public void ClientCertificate_FromPemWithKey_FromSeparateKey_OrFromPkcs12WithPassword_IsTheLocalCertificate()
    {
        using var certificate = TestCertificates.Create("tool");
        var combined = File(TestCertificates.WritePem(certificate, withKey: true));
        var certificateOnly = File(TestCertificates.WritePem(certificate));
        var key = File(Path.ChangeExtension(certificateOnly, ".key"));
        System.IO.File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var pkcs12 = File(TestCertificates.WritePkcs12(certificate, "pfx-password"));

        foreach (var settings in new[]
        {
            new TlsSettings(false, combined, null, null, null, null),
            new TlsSettings(false, certificateOnly, key, null, null, null),
            new TlsSettings(false, pkcs12, null, "pfx-password", null, null),
        })
        {
            var tls = Create(settings);

            Assert.True(settings.UsesTls);
            Assert.Equal(certificate.Thumbprint, tls.Options.LocalCertificate!.Thumbprint);
            Assert.True(tls.Options.LocalCertificate.HasPrivateKey);
        }
    }

    [Fact]
    public void ClientCertificate_WithoutKey_OrWithWrongPassword_IsAUsageError()
    {
        using var certificate = TestCertificates.Create("tool");
        var certificateOnly = File(TestCertificates.WritePem(certificate));
        var pkcs12 = File(TestCertificates.WritePkcs12(certificate, "pfx-password"));

        var noKey = Assert.Throws<CliUsageException>(() => Create(new TlsSettings(true, certificateOnly, null, null, null, null)));
        var wrongPassword = Assert.Throws<CliUsageException>(() => Create(new TlsSettings(true, pkcs12, null, "not-the-pfx-password", null, null)));

        Assert.Contains("has no private key", noKey.Message, StringComparison.Ordinal);
        Assert.Contains(TlsSettings.CertificatePasswordVariable, wrongPassword.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-pfx-password", wrongPassword.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_CopiesEverySettingIntoTheOptionsUseTlsCreates()
    {
        using var certificate = TestCertificates.Create("tool");
        var tls = Create(new TlsSettings(true, File(TestCertificates.WritePem(certificate, withKey: true)), null, null, null, "cache.example"));
        var target = new Orleans.Connections.Security.TlsOptions();

        tls.Apply(target);

        Assert.Same(tls.Options.LocalCertificate, target.LocalCertificate);
        Assert.Equal(TimeSpan.FromSeconds(3), target.HandshakeTimeout);
        Assert.Equal(Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate, target.RemoteCertificateMode);
        Assert.NotNull(target.RemoteCertificateValidation);
        Assert.NotNull(target.OnAuthenticateAsClient);
    }

    public void Dispose()
    {
        foreach (var file in _files)
        {
            System.IO.File.Delete(file);
        }
    }

    private static ClientTls Create(TlsSettings settings) =>
        new(settings, new Dictionary<IPEndPoint, string> { [Gateway] = "cache.internal" }, TimeSpan.FromSeconds(3));

    private string File(string path)
    {
        _files.Add(path);
        return path;
    }
}
