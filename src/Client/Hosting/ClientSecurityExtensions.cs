using System.Security.Cryptography.X509Certificates;

namespace OrleansCache.Client;

/// <summary>Authentication and TLS for clients, in one line each (docs/security.md).</summary>
public static class ClientSecurityExtensions
{
    /// <summary>
    /// Proves <paramref name="secret"/> to the gateways: the cluster's shared secret, or the per-client key
    /// <paramref name="keyId"/> the silos list in <c>Security:ClientKeys</c>.
    /// </summary>
    public static ClusterClientOptions UseSharedSecret(this ClusterClientOptions options, string secret, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        options.Security.SharedSecret = secret;
        options.Security.KeyId = keyId;
        return options;
    }

    /// <inheritdoc cref="UseSharedSecret(ClusterClientOptions, string, string?)"/>
    public static OrleansCacheClientOptions UseSharedSecret(this OrleansCacheClientOptions options, string secret, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cluster.UseSharedSecret(secret, keyId);
        return options;
    }

    /// <summary>
    /// Connects to the gateways over TLS, trusting <paramref name="trustedCertificate"/> (a private CA or the silos'
    /// self-signed certificate) besides the system's roots.
    /// </summary>
    public static ClusterClientOptions UseTls(this ClusterClientOptions options, X509Certificate2? trustedCertificate = null, string? targetHost = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Security.Tls.Enabled = true;
        options.Security.Tls.TargetHost = targetHost ?? options.Security.Tls.TargetHost;
        if (trustedCertificate is not null)
        {
            options.Security.Tls.TrustedCertificates.Add(trustedCertificate);
        }

        return options;
    }

    /// <inheritdoc cref="UseTls(ClusterClientOptions, X509Certificate2?, string?)"/>
    public static OrleansCacheClientOptions UseTls(this OrleansCacheClientOptions options, X509Certificate2? trustedCertificate = null, string? targetHost = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cluster.UseTls(trustedCertificate, targetHost);
        return options;
    }
}
