using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Silo.Options;

namespace OrleansCache.Silo.Security;

/// <summary>
/// Decides whether a peer's certificate (a client's, or another silo's) is trusted: its thumbprint is listed in
/// <see cref="TlsSettings.TrustedThumbprints"/>, or it chains to a certificate of
/// <see cref="TlsSettings.TrustedCertificatePath"/> or to the silo's own certificate, and allows the usage it is shown for.
/// </summary>
/// <remarks>
/// The machine's trust store is deliberately not consulted: any publicly trusted certificate would then open the
/// cluster. The chain is built against the configured anchors only (custom root trust), without revocation checks.
/// </remarks>
internal sealed partial class PeerCertificateValidator
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly SiloCertificate _own;
    private readonly X509Certificate2Collection _anchors;
    private readonly HashSet<string> _thumbprints;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PeerCertificateValidator(SiloCertificate own, IOptions<TlsSettings> settings, TimeProvider time, ILogger<PeerCertificateValidator> logger)
    {
        _own = own;
        _time = time;
        _logger = logger;
        _anchors = settings.Value.TrustedCertificatePath is { } path ? CertificateFiles.LoadTrusted(path) : [];
        _thumbprints = settings.Value.TrustedThumbprints
            .Select(t => t.Replace(":", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Validates the certificate a connecting client or silo showed (client authentication).</summary>
    public bool ValidateClient(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Validate(certificate, ClientAuthentication, "client");

    /// <summary>Validates the certificate of a silo this silo connects to (server authentication).</summary>
    public bool ValidateServer(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Validate(certificate, ServerAuthentication, "silo");

    private bool Validate(X509Certificate2 certificate, Oid usage, string role)
    {
        if (_thumbprints.Contains(certificate.Thumbprint) || _thumbprints.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256)))
        {
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetLocalNow().DateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        chain.ChainPolicy.CustomTrustStore.AddRange(_anchors);
        chain.ChainPolicy.CustomTrustStore.Add(_own.Current);
        if (chain.Build(certificate))
        {
            return true;
        }

        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct(StringComparer.Ordinal));
        LogRefused(_logger, role, certificate.Subject, certificate.GetCertHashString(HashAlgorithmName.SHA256), status);
        return false;
    }
}
