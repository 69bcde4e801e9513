using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.TestSupport.Security;

/// <summary>Self-signed certificates made by the tests themselves, so no key material is ever committed.</summary>
public static class TestCertificates
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>
    /// A self-signed server certificate with its private key, valid for a day, naming <c>127.0.0.1</c> and
    /// <c>localhost</c> (or <paramref name="names"/> instead: IP addresses or DNS names).
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(params string[] names)
    {
        if (names.Length == 0)
        {
            names = ["127.0.0.1", "localhost"];
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // A subject of its own: chain building finds issuers by name, and two test certificates must never look alike.
        var request = new CertificateRequest($"CN=OrleansCache test {Guid.NewGuid():N}", key, HashAlgorithmName.SHA256);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Exported and loaded back, so the key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>Writes <paramref name="certificate"/> with its key to a new PKCS#12 file under the temp folder.</summary>
    public static string WritePfx(X509Certificate2 certificate, string password)
    {
        var path = Path.Combine(Path.GetTempPath(), $"orleanscache-test-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>Writes the public certificate (no key) to a new PEM file under the temp folder.</summary>
    public static string WritePem(X509Certificate2 certificate)
    {
        var path = Path.Combine(Path.GetTempPath(), $"orleanscache-test-{Guid.NewGuid():N}.crt");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }
}
