using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.Runtime;

/// <summary>
/// TLS on both of the silo's ports and on its connections to other silos; on as soon as a certificate is given.
/// Part of the <c>Security</c> configuration section (<c>Security:Tls</c>).
/// </summary>
/// <remarks>
/// When connecting to another silo, its certificate is accepted when the system trusts it for that silo's advertised
/// host, or when it chains to <see cref="TrustedCertificates"/> or is this silo's own certificate (one certificate
/// shared by every silo), and names the advertised host.
/// </remarks>
public sealed class SiloTlsOptions
{
    /// <summary>The silo's certificate, with its private key. Owned by the caller. Default none.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// A certificate file instead of <see cref="Certificate"/>: PKCS#12 (<c>.pfx</c>/<c>.p12</c>) or PEM (its key in
    /// <see cref="CertificateKeyPath"/> or in the same file). Default none.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of the PKCS#12 file or of an encrypted PEM key. Never logged. Default none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/>, when it is in a file of its own. Default none.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Certificates trusted besides the system's when connecting to other silos (a private CA). Empty by default.</summary>
    public X509Certificate2Collection TrustedCertificates { get; } = [];

    /// <summary>A PEM or DER file of certificates added to <see cref="TrustedCertificates"/>. Default none.</summary>
    public string? TrustedCertificatePath { get; set; }

    /// <summary>True when a certificate is configured, which turns TLS on.</summary>
    public bool Enabled => Certificate is not null || !string.IsNullOrEmpty(CertificatePath);

    /// <summary>The settings without the password, for logs.</summary>
    public override string ToString() =>
        !Enabled ? "off" : $"on (certificate {Certificate?.Subject ?? CertificatePath}, password {(CertificatePassword is null ? "(none)" : "***")})";
}
