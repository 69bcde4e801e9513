using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.Client;

/// <summary>
/// TLS on the client's gateway connections. The silo's certificate is accepted when the system trusts it for the
/// gateway's host, or when it chains to one of <see cref="TrustedCertificates"/> and names that host.
/// </summary>
public sealed class ClientTlsOptions
{
    /// <summary>Connect over TLS. The silos must serve TLS too (their <c>Security:Tls</c>). Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The name the silos' certificate must carry. Default: the host of each gateway endpoint (a DNS name or an IP
    /// address, which must then be in the certificate's subject alternative names).
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// Certificates trusted besides the system's: a private CA, or a self-signed silo certificate itself. Empty by
    /// default.
    /// </summary>
    public X509Certificate2Collection TrustedCertificates { get; } = [];

    /// <summary>A PEM or DER file of certificates to trust, added to <see cref="TrustedCertificates"/>. Default none.</summary>
    public string? TrustedCertificatePath { get; set; }

    /// <summary>
    /// Replaces the checks above when set, e.g. to pin a certificate thumbprint. Return true to accept the certificate.
    /// </summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; set; }
}
