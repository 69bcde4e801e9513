namespace OrleansCache.Silo.Options;

/// <summary>
/// TLS on the silo and gateway ports and on connections to other silos (Orleans' <c>Connections.Security</c>); on as
/// soon as <see cref="CertificatePath"/> is set. Bound from the <c>Tls</c> section. See docs/security.md.
/// </summary>
/// <remarks>
/// Silos always prove themselves to each other with their certificates (mutual TLS on the silo port), which must be
/// trusted by the rules of <see cref="TrustedCertificatePath"/> and <see cref="TrustedThumbprints"/>; the silo's own
/// certificate is always trusted, so silos sharing one certificate need nothing more.
/// </remarks>
internal sealed class TlsSettings
{
    /// <summary>The configuration section these settings bind from.</summary>
    public const string SectionName = "Tls";

    /// <summary>
    /// The silo's certificate: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>) with its key, or a PEM file (its key in
    /// <see cref="CertificateKeyPath"/> or in the same file). Reloaded when the file changes. Default none (no TLS).
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/>, when it is in a file of its own. Default none.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The password of the PKCS#12 file or of an encrypted PEM key. Never logged. Default none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Whether clients must show a certificate on the gateway port. Default <see cref="ClientCertificateMode.None"/>.</summary>
    public ClientCertificateMode ClientCertificates { get; set; } = ClientCertificateMode.None;

    /// <summary>
    /// A PEM (or DER) file of CA or self-signed certificates: a peer's certificate (a client's, another silo's) is
    /// trusted when it chains to one of them. Default none.
    /// </summary>
    public string? TrustedCertificatePath { get; set; }

    /// <summary>Certificates trusted by thumbprint (SHA-1 or SHA-256, hex), whoever issued them. Empty by default.</summary>
    public IList<string> TrustedThumbprints { get; } = [];

    /// <summary>How often the certificate files are checked for a change (rotation without restart). Default 10 s.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a TLS handshake may take before the connection is dropped. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when a certificate is configured, which turns TLS on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
