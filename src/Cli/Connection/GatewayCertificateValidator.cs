using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.Cli.Connection;

/// <summary>
/// Decides whether a gateway's certificate is trusted: the system's roots, plus the certificates of
/// <c>--tls-trusted</c> (a CA, or the silos' own certificate). The name check stays the TLS stack's. Remembers why it
/// last refused, so the tool can say so: Orleans only logs a failed handshake and closes the connection.
/// </summary>
internal sealed class GatewayCertificateValidator(X509Certificate2Collection trusted)
{
    private string? _lastRefusal;

    /// <summary>Why the last certificate was refused, or null.</summary>
    public string? LastRefusal => Volatile.Read(ref _lastRefusal);

    public bool Validate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A wrong name, or no certificate, is never made good by a trust anchor.
        if (errors == SslPolicyErrors.RemoteCertificateChainErrors && IsTrustedByFile(certificate, chain))
        {
            return true;
        }

        Volatile.Write(ref _lastRefusal, $"the gateway's certificate '{certificate.Subject}' is not trusted ({errors})");
        return false;
    }

    private bool IsTrustedByFile(X509Certificate2 certificate, X509Chain? chain)
    {
        if (trusted.Count == 0)
        {
            return false;
        }

        // The silos' own certificate, pinned, even if it is not self-signed.
        foreach (var anchor in trusted)
        {
            if (anchor.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
            {
                return true;
            }
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(certificate);
    }
}
