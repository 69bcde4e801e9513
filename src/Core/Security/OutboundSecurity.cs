namespace OrleansCache.Core.Security;

/// <summary>What the connecting side of a connection brings: a key to prove, and whether and how to use TLS.</summary>
internal sealed class OutboundSecurity(ClusterCredential? credential, TlsClientSettings? tls)
{
    /// <summary>No authentication, no TLS: the default.</summary>
    public static OutboundSecurity None { get; } = new(null, null);

    /// <summary>The key to prove, or null to connect without authentication.</summary>
    public ClusterCredential? Credential { get; } = credential;

    /// <summary>TLS settings, or null for plaintext.</summary>
    public TlsClientSettings? Tls { get; } = tls;
}
