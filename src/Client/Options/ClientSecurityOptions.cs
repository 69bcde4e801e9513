namespace OrleansCache.Client;

/// <summary>
/// How a client proves it may use the cluster, and how it protects its connection. Off by default: no secret, no TLS.
/// See docs/security.md.
/// </summary>
public sealed class ClientSecurityOptions
{
    /// <summary>
    /// The cluster's shared secret, or (with <see cref="KeyId"/>) this client's own key. Proven in the handshake by a
    /// challenge-response; never sent, never logged. At least 32 characters. Default: none (no authentication).
    /// </summary>
    public string? SharedSecret { get; set; }

    /// <summary>
    /// The id of a per-client key the silos know (their <c>Security:ClientKeys</c>); <see cref="SharedSecret"/> is then
    /// that key. Default: none (the cluster's shared secret).
    /// </summary>
    public string? KeyId { get; set; }

    /// <summary>TLS on the gateway connection.</summary>
    public ClientTlsOptions Tls { get; set; } = new();

    /// <summary>The settings without the secret, for logs.</summary>
    public override string ToString() =>
        $"SharedSecret={(string.IsNullOrEmpty(SharedSecret) ? "(none)" : "***")}, KeyId={KeyId ?? "(none)"}, Tls={(Tls.Enabled ? "on" : "off")}";
}
