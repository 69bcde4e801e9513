using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.Core.Security;

/// <summary>
/// How the connecting side (a client, or a silo calling another) checks the certificate of the silo it connects to.
/// A certificate is trusted when the system trusts it for the host connected to, or when it chains to one of
/// <see cref="TrustedCertificates"/> (a private CA, or a self-signed certificate itself) and names that host.
/// </summary>
internal sealed class TlsClientSettings
{
    public TlsClientSettings(string? targetHost, IEnumerable<X509Certificate2> trustedCertificates, RemoteCertificateValidationCallback? validation)
    {
        TargetHost = targetHost;
        TrustedCertificates = [.. trustedCertificates];
        Validation = validation;
    }

    /// <summary>The name the certificate must carry; null: the host of the endpoint connected to.</summary>
    public string? TargetHost { get; }

    /// <summary>Roots trusted besides the system's.</summary>
    public X509Certificate2Collection TrustedCertificates { get; }

    /// <summary>Replaces the checks above when set (e.g. to pin a thumbprint).</summary>
    public RemoteCertificateValidationCallback? Validation { get; }

    /// <summary>Decides whether the remote certificate is acceptable.</summary>
    public bool IsTrusted(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Validation is not null)
        {
            return Validation(sender, certificate, chain, errors);
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A wrong name or no certificate at all is never excused; only a chain the system does not trust may still
        // end in one of ours.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || TrustedCertificates.Count == 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(TrustedCertificates);
        // Private CAs for a cluster rarely publish revocation lists; rotating the CA is how such a cluster revokes.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (certificate is X509Certificate2 certificate2)
        {
            return custom.Build(certificate2);
        }

        using var loaded = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(loaded);
    }
}
