using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.Cli.Connection;

/// <summary>Reads the certificate files the TLS options name; a file that cannot be used is a command-line error.</summary>
internal static class CertificateFiles
{
    /// <summary>
    /// The tool's own certificate with its private key: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>; its password from
    /// <see cref="TlsSettings.CertificatePasswordVariable"/>), or a PEM file holding the certificate and, unless
    /// <paramref name="keyPath"/> names another file, its private key.
    /// </summary>
    /// <exception cref="CliUsageException">The file is missing, unreadable, or has no private key.</exception>
    public static X509Certificate2 LoadClientCertificate(string path, string? keyPath, string? password)
    {
        RequireFile(path, "--tls-certificate");
        if (keyPath is not null)
        {
            RequireFile(keyPath, "--tls-key");
        }

        var pem = IsPem(path);
        if (pem && keyPath is null && !File.ReadAllText(path).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw NoPrivateKey(path);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = pem
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException(
                $"--tls-certificate '{path}' is not a PKCS#12 file or a PEM certificate with its private key the tool can read "
                + $"(a PKCS#12 password comes from {TlsSettings.CertificatePasswordVariable}; a separate PEM key from --tls-key): {ex.Message}");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw NoPrivateKey(path);
        }

        return certificate;
    }

    private static CliUsageException NoPrivateKey(string path) =>
        new($"--tls-certificate '{path}' has no private key; give the key's PEM file with --tls-key.");

    /// <summary>Certificates to trust: every certificate of a PEM file, or the one certificate of a DER file.</summary>
    /// <exception cref="CliUsageException">The file is missing, unreadable, or holds no certificate.</exception>
    public static X509Certificate2Collection LoadTrusted(string path)
    {
        RequireFile(path, "--tls-trusted");
        var trusted = new X509Certificate2Collection();
        try
        {
            if (IsPem(path))
            {
                trusted.ImportFromPemFile(path);
            }
            else
            {
                trusted.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--tls-trusted '{path}' is not a PEM or DER certificate the tool can read: {ex.Message}");
        }

        return trusted.Count > 0 ? trusted : throw new CliUsageException($"--tls-trusted '{path}' is not a PEM or DER certificate the tool can read: it holds no certificate.");
    }

    private static void RequireFile(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException($"{option} '{path}' does not exist.");
        }
    }

    /// <summary>PEM files are text with <c>-----BEGIN</c> markers; anything else is read as binary (DER, PKCS#12).</summary>
    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[4096];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, read).Contains("-----BEGIN ", StringComparison.Ordinal);
    }
}
