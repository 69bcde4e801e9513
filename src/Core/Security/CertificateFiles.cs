using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.Core.Security;

/// <summary>Loads the certificates that settings name by file path.</summary>
internal static class CertificateFiles
{
    /// <summary>Every certificate in a PEM bundle, or the one certificate of a DER file.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">It holds no certificate.</exception>
    public static X509Certificate2Collection LoadTrusted(string path)
    {
        var certificates = new X509Certificate2Collection();
        if (File.ReadAllText(path).Contains("-----BEGIN", StringComparison.Ordinal))
        {
            certificates.ImportFromPemFile(path);
        }
        else
        {
            certificates.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }

        return certificates;
    }

    /// <summary>
    /// A certificate with its private key: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>) with <paramref name="password"/>, or
    /// a PEM certificate with its key in <paramref name="keyPath"/> (or in the same file).
    /// </summary>
    public static X509Certificate2 LoadWithPrivateKey(string path, string? password, string? keyPath)
    {
        if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }

        using var pem = string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        // A PEM key is ephemeral; some platforms' TLS stacks need it exported and loaded back to use it.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
