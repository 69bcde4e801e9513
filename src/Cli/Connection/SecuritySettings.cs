namespace OrleansCache.Cli.Connection;

/// <summary>What the global options say about the tool's secret and TLS (docs/security.md, docs/cli.md).</summary>
/// <remarks><see cref="ToString"/> never shows the secret: a record would otherwise print every property.</remarks>
internal sealed record SecuritySettings(string? SharedSecret, string? KeyId, bool Tls, string? TlsTrusted, string? TlsHost)
{
    /// <summary>Where the secret is read when <c>--shared-secret</c> is not given: the environment, unlike a command line, is not shown by <c>ps</c>.</summary>
    public const string SharedSecretVariable = "ORLEANSCACHE_SHARED_SECRET";

    /// <summary>No secret, no TLS: what a cluster with the default settings expects.</summary>
    public static readonly SecuritySettings None = new(null, null, false, null, null);

    /// <summary>TLS is on when asked for, or implied by a certificate to trust or a host name to expect.</summary>
    public bool UsesTls => Tls || TlsTrusted is not null || TlsHost is not null;

    public override string ToString() =>
        $"SharedSecret={(SharedSecret is null ? "(none)" : "***")}, KeyId={KeyId ?? "(none)"}, Tls={(UsesTls ? "on" : "off")}, TlsTrusted={TlsTrusted ?? "(none)"}, TlsHost={TlsHost ?? "(none)"}";
}
