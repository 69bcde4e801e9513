using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.TestSupport.Security;

/// <summary>Certificates made by the tests themselves (ECDSA P-256), so no key material is ever committed.</summary>
public static class TestCertificates
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// A self-signed certificate with its key, valid for a day, for server and client authentication (what a silo
    /// needs: it shows it to clients and to other silos), naming <c>127.0.0.1</c> and <c>localhost</c>.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(string name = "silo")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(name, key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return Reload(created);
    }

    /// <summary>A self-signed certificate authority with its key, valid for a day.</summary>
    public static X509Certificate2 CreateAuthority(string name = "test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=OrleansCache {name} {Guid.NewGuid():N}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return Reload(created);
    }

    /// <summary>A certificate issued by <paramref name="authority"/>, with its key, for server and client authentication.</summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string name = "client")
    {
        ArgumentNullException.ThrowIfNull(authority);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(name, key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-4), DateTimeOffset.UtcNow.AddHours(23), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>Writes <paramref name="certificate"/> with its key to a new PKCS#12 file in <paramref name="folder"/>.</summary>
    public static string WritePfx(X509Certificate2 certificate, string password, string folder)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var path = Path.Combine(folder, $"cert-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>Replaces <paramref name="path"/> atomically (write, then rename) with <paramref name="certificate"/> as PKCS#12.</summary>
    public static void ReplacePfx(string path, X509Certificate2 certificate, string password)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var temporary = path + ".new";
        File.WriteAllBytes(temporary, certificate.Export(X509ContentType.Pkcs12, password));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Writes the certificate (PEM) and its unencrypted PKCS#8 key (PEM) to two new files in <paramref name="folder"/>.</summary>
    public static (string Certificate, string Key) WritePemPair(X509Certificate2 certificate, string folder)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var certificatePath = Path.Combine(folder, $"cert-{Guid.NewGuid():N}.crt");
        var keyPath = Path.Combine(folder, $"cert-{Guid.NewGuid():N}.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>Writes the public certificate (no key) to a new PEM file in <paramref name="folder"/>.</summary>
    public static string WritePem(X509Certificate2 certificate, string folder)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var path = Path.Combine(folder, $"trusted-{Guid.NewGuid():N}.crt");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>The private key's PKCS#8 bytes in base64, as a secret no log may contain (any 24-character piece of it).</summary>
    public static string PrivateKeyBase64(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToBase64String(certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey());
    }

    private static CertificateRequest Request(string name, ECDsa key)
    {
        // A subject of its own: chain building finds issuers by name, and two test certificates must never look alike.
        var request = new CertificateRequest($"CN=OrleansCache {name} {Guid.NewGuid():N}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request;
    }

    /// <summary>Exported and loaded back, so the key is usable by the TLS stack on every platform.</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
}
