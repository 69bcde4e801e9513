using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Security;

namespace OrleansCache.Runtime.Security;

/// <summary>
/// The silo's security settings made ready for use: the keys it accepts, the certificate it serves, and what it
/// brings to connections it opens to other silos.
/// </summary>
internal sealed class SiloSecurity : IDisposable
{
    private readonly byte[][] _clusterKeys;
    private readonly Dictionary<string, byte[]> _clientKeys;
    private readonly X509Certificate2? _loadedCertificate;

    public SiloSecurity(IOptions<SiloSecurityOptions> options)
    {
        var settings = options.Value;
        var shared = ClusterCredential.From(settings.SharedSecret, keyId: null);
        _clusterKeys = shared is null ? [] : [shared.Key, .. settings.AcceptedSecrets.Select(Encoding.UTF8.GetBytes)];
        _clientKeys = settings.ClientKeys.ToDictionary(k => k.Key, k => Encoding.UTF8.GetBytes(k.Value), StringComparer.Ordinal);

        var tls = settings.Tls;
        if (!string.IsNullOrEmpty(tls.CertificatePath))
        {
            _loadedCertificate = CertificateFiles.LoadWithPrivateKey(tls.CertificatePath, tls.CertificatePassword, tls.CertificateKeyPath);
        }

        Certificate = tls.Certificate ?? _loadedCertificate;
        TlsClientSettings? outboundTls = null;
        if (Certificate is not null)
        {
            // Built once: the chain is then not rebuilt on every connection.
            ServerCertificate = SslStreamCertificateContext.Create(Certificate, additionalCertificates: null);
            IEnumerable<X509Certificate2> trusted = [.. tls.TrustedCertificates, Certificate];
            if (!string.IsNullOrEmpty(tls.TrustedCertificatePath))
            {
                trusted = trusted.Concat(CertificateFiles.LoadTrusted(tls.TrustedCertificatePath));
            }

            outboundTls = new TlsClientSettings(targetHost: null, trusted, validation: null);
        }

        Outbound = shared is null && outboundTls is null ? OutboundSecurity.None : new OutboundSecurity(shared, outboundTls);
    }

    /// <summary>True when connecting peers must prove a key.</summary>
    public bool RequiresAuthentication => _clusterKeys.Length > 0;

    /// <summary>The certificate both ports serve, or null for plaintext.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary><see cref="Certificate"/> with its chain, for the TLS handshake.</summary>
    public SslStreamCertificateContext? ServerCertificate { get; }

    /// <summary>What this silo brings to connections it opens to other silos.</summary>
    public OutboundSecurity Outbound { get; }

    /// <summary>
    /// The key <paramref name="proof"/> was made with, or null when it matches none this silo accepts from a peer of
    /// <paramref name="role"/>: silos prove the cluster's secrets, clients those or their own key.
    /// </summary>
    public byte[]? FindKey(PeerRole role, Hello hello, ReadOnlySpan<byte> acceptingNonce, ReadOnlySpan<byte> proof)
    {
        if (hello.KeyId.Length == 0)
        {
            foreach (var key in _clusterKeys)
            {
                if (HandshakeProof.Matches(HandshakeProof.Connecting(key, hello, acceptingNonce), proof))
                {
                    return key;
                }
            }

            return null;
        }

        return role == PeerRole.Client
            && _clientKeys.TryGetValue(hello.KeyId, out var clientKey)
            && HandshakeProof.Matches(HandshakeProof.Connecting(clientKey, hello, acceptingNonce), proof)
            ? clientKey
            : null;
    }

    /// <summary>
    /// Names the key a peer claimed, for logs: a key id the silo does not know is not repeated, since a misconfigured
    /// client may have put something secret there.
    /// </summary>
    public string Describe(PeerRole role, string keyId) =>
        keyId.Length == 0 ? "the shared secret"
        : role == PeerRole.Client && _clientKeys.ContainsKey(keyId) ? $"client key '{keyId}'"
        : "an unknown key id";

    public void Dispose() => _loadedCertificate?.Dispose();
}
