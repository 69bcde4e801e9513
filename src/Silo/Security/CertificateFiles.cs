using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCache.Silo.Options;

namespace OrleansCache.Silo.Security;

/// <summary>Loads the silo's certificate and the trusted certificates from files.</summary>
internal static class CertificateFiles
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The silo's certificate with its private key: PKCS#12, or PEM with the key beside it or in the same file.</summary>
    /// <exception cref="CryptographicException">The file is not a certificate with a key, or the password is wrong.</exception>
    public static X509Certificate2 LoadWithPrivateKey(TlsSettings settings)
    {
        var path = settings.CertificatePath!;
        if (IsPem(path))
        {
            var keyPath = string.IsNullOrWhiteSpace(settings.CertificateKeyPath) ? null : settings.CertificateKeyPath;
            using var pem = string.IsNullOrEmpty(settings.CertificatePassword)
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, settings.CertificatePassword, keyPath);

            // Exported and loaded back: a key created from PEM is ephemeral, which some TLS stacks refuse.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CryptographicException("the file holds no private key.");
        }

        return certificate;
    }

    /// <summary>The certificates of a PEM bundle or of one DER file.</summary>
    public static X509Certificate2Collection LoadTrusted(string path)
    {
        var collection = new X509Certificate2Collection();
        if (IsPem(path))
        {
            collection.ImportFromPemFile(path);
        }
        else
        {
            collection.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }

        return collection;
    }

    /// <summary>Why <paramref name="certificate"/> cannot serve as a silo's certificate, or null if it can.</summary>
    /// <remarks>
    /// A silo shows it to clients and silos (server authentication) and to the silos it connects to (client
    /// authentication), so an extended key usage, if the certificate has one, must allow both.
    /// </remarks>
    public static string? Unsuitable(X509Certificate2 certificate, DateTimeOffset now)
    {
        if (now < certificate.NotBefore || now > certificate.NotAfter)
        {
            return $"is not valid now (valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}).";
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault()?.EnhancedKeyUsages;
        if (usages is not null)
        {
            var oids = usages.Cast<Oid>().Select(o => o.Value).ToHashSet(StringComparer.Ordinal);
            if (!oids.Contains(ServerAuthentication.Value) || !oids.Contains(ClientAuthentication.Value))
            {
                return "must allow both server and client authentication (extended key usages 1.3.6.1.5.5.7.3.1 and .2): silos show it to clients and to each other.";
            }
        }

        return null;
    }

    /// <summary>A short description for logs: subject, thumbprint, expiry. Nothing secret.</summary>
    public static string Describe(X509Certificate2 certificate) =>
        $"{certificate.Subject} (SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)}, expires {certificate.NotAfter:u})";

    /// <summary>The last time either file changed, and their sizes: a change of any means a new certificate.</summary>
    public static (DateTime, long, DateTime, long) Stamp(TlsSettings settings) =>
        (File.GetLastWriteTimeUtc(settings.CertificatePath!), new FileInfo(settings.CertificatePath!).Length,
         string.IsNullOrWhiteSpace(settings.CertificateKeyPath) ? default : File.GetLastWriteTimeUtc(settings.CertificateKeyPath),
         string.IsNullOrWhiteSpace(settings.CertificateKeyPath) ? 0 : new FileInfo(settings.CertificateKeyPath).Length);

    private static bool IsPem(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[64];
        var read = file.Read(start);
        return System.Text.Encoding.ASCII.GetString(start[..read]).Contains("-----BEGIN", StringComparison.Ordinal);
    }
}
