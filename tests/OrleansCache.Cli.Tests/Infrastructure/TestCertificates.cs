using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>Certificates made for a test: a CA, certificates it issues, self-signed ones, and their PEM files.</summary>
internal static class TestCertificates
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public static X509Certificate2 CreateCa(string name = "OrleansCache Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A certificate for <paramref name="name"/> and 127.0.0.1, for servers and clients, issued by <paramref name="ca"/> (or self-signed).</summary>
    public static X509Certificate2 Create(string name = "localhost", X509Certificate2? ca = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication), new Oid(ClientAuthentication)], false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(10);
        if (ca is null)
        {
            return Exportable(request.CreateSelfSigned(notBefore, notAfter));
        }

        using var issued = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return Exportable(issued.CopyWithPrivateKey(key));
    }

    /// <summary>Writes the certificate (and with <paramref name="withKey"/> its private key) to a new PEM file; the caller deletes it.</summary>
    public static string WritePem(X509Certificate2 certificate, bool withKey = false)
    {
        var path = Path.Combine(Path.GetTempPath(), $"orleanscache-test-{Guid.NewGuid():N}.pem");
        var pem = certificate.ExportCertificatePem();
        if (withKey)
        {
            pem += "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
        }

        File.WriteAllText(path, pem + "\n");
        return path;
    }

    /// <summary>Writes the certificate with its key to a new PKCS#12 file; the caller deletes it.</summary>
    public static string WritePkcs12(X509Certificate2 certificate, string password)
    {
        var path = Path.Combine(Path.GetTempPath(), $"orleanscache-test-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>Round-trips through PKCS#12 so SslStream can use the key on every platform.</summary>
    private static X509Certificate2 Exportable(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }
}
