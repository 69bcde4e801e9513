namespace OrleansCache.Silo.Options;

/// <summary>The silo's identity, endpoints and, without Redis, how it finds the cluster. Bound from the <c>Silo</c> section.</summary>
internal sealed class SiloHostOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Silo";

    /// <summary>Orleans' default silo port.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>Orleans' default gateway port.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>The cluster this silo belongs to; silos and clients of another cluster id refuse each other. Default <c>dev</c>.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The service this cluster runs, stable across deployments. Default <c>orleans-cache</c> (the client's default too).</summary>
    public string ServiceId { get; set; } = "orleans-cache";

    /// <summary>A name for logs, the membership table and the dashboard. Default: the machine name and the silo port.</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// The IP address both ports listen on. Default <c>127.0.0.1</c>, which only this machine can reach; <c>0.0.0.0</c>
    /// listens on every interface (then set <see cref="AdvertisedHost"/>, or the first non-loopback IPv4 address is advertised).
    /// </summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The host name or IP address other silos and clients reach this silo at. Default: <see cref="ListenAddress"/>.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = DefaultSiloPort;

    /// <summary>The port clients connect to (the gateway). Default 30000.</summary>
    public int GatewayPort { get; set; } = DefaultGatewayPort;

    /// <summary>
    /// Without Redis: the silo endpoint (<c>host:port</c>) of the primary silo, which keeps the cluster's membership in
    /// memory; other silos on the machine join through it. Default: this silo is the primary. Not allowed with Redis,
    /// where every silo finds the others in Redis.
    /// </summary>
    public string? PrimarySilo { get; set; }

    /// <summary>The name used when <see cref="SiloName"/> is not set.</summary>
    public string EffectiveSiloName => string.IsNullOrWhiteSpace(SiloName) ? $"{Environment.MachineName}-{SiloPort}" : SiloName;
}
