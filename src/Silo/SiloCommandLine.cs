namespace OrleansCache.Silo;

/// <summary>Short command-line switches for the settings operators change most.</summary>
internal static class SiloCommandLine
{
    /// <summary>
    /// Maps <c>--cluster-id dev</c> style switches to configuration keys. Any key also works in its long form,
    /// e.g. <c>--Membership:DeathTimeout=00:00:05</c>.
    /// </summary>
    public static readonly IDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--cluster-id"] = "Silo:ClusterId",
        ["--name"] = "Silo:SiloName",
        ["--listen"] = "Silo:ListenAddress",
        ["--advertised-host"] = "Silo:AdvertisedHost",
        ["--silo-port"] = "Silo:SiloPort",
        ["--gateway-port"] = "Silo:GatewayPort",
        ["--death-timeout"] = "Membership:DeathTimeout",
        ["--redis"] = "Redis:ConnectionString",
        ["--redis-prefix"] = "Redis:KeyPrefix",
        ["--http"] = "Http:Enabled",
        ["--http-listen"] = "Http:ListenAddress",
        ["--http-port"] = "Http:Port",
        ["--dashboard"] = "Http:Dashboard",
        ["--redis-bridge"] = "RedisBridge:Enabled",
        // Command lines are visible to other users of the machine (ps); prefer ORLEANSCACHE_Security__SharedSecret.
        ["--shared-secret"] = "Security:SharedSecret",
        ["--tls-certificate"] = "Security:Tls:CertificatePath",
        ["--tls-certificate-password"] = "Security:Tls:CertificatePassword",
        ["--tls-certificate-key"] = "Security:Tls:CertificateKeyPath",
        ["--tls-trusted"] = "Security:Tls:TrustedCertificatePath",
    };
}
