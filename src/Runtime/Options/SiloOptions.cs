namespace OrleansCache.Runtime;

/// <summary>Identity and endpoints of a silo. Bound from the <c>Silo</c> configuration section.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Silo";

    /// <summary>
    /// The cluster this silo belongs to. Silos and clients with different ids refuse each other. Default <c>dev</c>.
    /// </summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>A name for logs and the membership table. Default: the machine name.</summary>
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>
    /// The address both ports listen on. Default <c>127.0.0.1</c>, which only this machine can reach;
    /// use <c>0.0.0.0</c> (and set <see cref="AdvertisedHost"/>) for a cluster across machines.
    /// </summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The host other silos and clients use to reach this one. Default: <see cref="ListenAddress"/>, or the machine's
    /// first non-loopback IPv4 address when listening on all addresses.
    /// </summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The silo-to-silo port. Default 11111; 0 picks a free port (tests).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients connect to. Default 30000; 0 picks a free port (tests).</summary>
    public int GatewayPort { get; set; } = 30000;
}
