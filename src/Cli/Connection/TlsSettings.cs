namespace OrleansCache.Cli.Connection;

/// <summary>What the global options say about TLS to the gateways (Orleans' <c>UseTls</c> on the client).</summary>
/// <param name="Enabled">--tls was given.</param>
/// <param name="CertificatePath">The tool's own certificate with its private key, for silos that require mutual TLS.</param>
/// <param name="KeyPath">The private key of a PEM <paramref name="CertificatePath"/> kept in a file of its own.</param>
/// <param name="CertificatePassword">The password of a PKCS#12 <paramref name="CertificatePath"/>, from <see cref="CertificatePasswordVariable"/>.</param>
/// <param name="TrustedPath">Certificates to trust besides the system's roots: the cluster's CA, or the silos' own certificate.</param>
/// <param name="Host">The name the silos' certificate must carry; null: each gateway's host.</param>
/// <remarks><see cref="ToString"/> never shows the password.</remarks>
internal sealed record TlsSettings(bool Enabled, string? CertificatePath, string? KeyPath, string? CertificatePassword, string? TrustedPath, string? Host)
{
    /// <summary>Where the password of a PKCS#12 client certificate is read.</summary>
    public const string CertificatePasswordVariable = "ORLEANSCACHE_TLS_CERTIFICATE_PASSWORD";

    /// <summary>No TLS: what a cluster with the default settings expects.</summary>
    public static readonly TlsSettings None = new(false, null, null, null, null, null);

    /// <summary>TLS is on when asked for, or implied by a certificate to present or trust, or a host name to expect.</summary>
    public bool UsesTls => Enabled || CertificatePath is not null || KeyPath is not null || TrustedPath is not null || Host is not null;

    public override string ToString() =>
        $"Tls={(UsesTls ? "on" : "off")}, Certificate={CertificatePath ?? "(none)"}, Key={KeyPath ?? "(none)"}, Password={(CertificatePassword is null ? "(none)" : "***")}, Trusted={TrustedPath ?? "(none)"}, Host={Host ?? "(gateway)"}";
}
