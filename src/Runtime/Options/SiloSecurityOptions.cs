namespace OrleansCache.Runtime;

/// <summary>
/// Who may connect to the silo, and TLS on its ports. Bound from the <c>Security</c> configuration section. Off by
/// default: no secret, no TLS. See docs/security.md.
/// </summary>
/// <remarks>
/// Secrets are proven by a challenge-response in the connection handshake; they never cross the wire and are never
/// logged. The same settings protect silo-to-silo connections: every silo of a cluster needs the same
/// <see cref="SharedSecret"/> and TLS settings.
/// </remarks>
public sealed class SiloSecurityOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Security";

    /// <summary>
    /// The cluster's secret, at least 32 characters. When set, every silo and client must prove it (or a client key)
    /// when it connects, and silos prove it to each other. Default: none (no authentication).
    /// </summary>
    public string? SharedSecret { get; set; }

    /// <summary>
    /// Further secrets accepted in place of <see cref="SharedSecret"/> but never sent: rotation (add the new secret
    /// here on every silo, then make it the <see cref="SharedSecret"/> everywhere, then drop the old one). Empty by
    /// default.
    /// </summary>
    public IList<string> AcceptedSecrets { get; } = [];

    /// <summary>
    /// Per-client keys, by key id (clients set <c>Security.KeyId</c> and the key as their secret). Accepted from clients
    /// only, never from silos; remove one to lock that client out. Empty by default.
    /// </summary>
    public IDictionary<string, string> ClientKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>TLS on the silo and gateway ports and on connections to other silos.</summary>
    public SiloTlsOptions Tls { get; set; } = new();

    /// <summary>The settings without any secret, for logs.</summary>
    public override string ToString() =>
        $"SharedSecret={(string.IsNullOrEmpty(SharedSecret) ? "(none)" : "***")}, AcceptedSecrets={AcceptedSecrets.Count}, " +
        $"ClientKeys=[{string.Join(", ", ClientKeys.Keys)}], Tls={Tls}";
}
