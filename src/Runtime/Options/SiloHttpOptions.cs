namespace OrleansCache.Runtime;

/// <summary>
/// The silo's HTTP endpoints for operators: <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c> (Prometheus text) and the
/// dashboard. Bound from the <c>Http</c> configuration section.
/// </summary>
/// <remarks>
/// The endpoints have no authentication: they show cluster members, metrics and samples of rejected messages. Keep
/// them on a loopback or an operations-only network.
/// </remarks>
public sealed class SiloHttpOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Http";

    /// <summary>Serve the endpoints. Default false: no port is opened.</summary>
    public bool Enabled { get; set; }

    /// <summary>The address the HTTP port listens on. Default: the silo's <see cref="SiloOptions.ListenAddress"/>.</summary>
    public string? ListenAddress { get; set; }

    /// <summary>The HTTP port. Default 8080; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Serve the dashboard (<c>/</c>) and its data (<c>/api/cluster</c>) besides health and metrics. Default true.</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>The most HTTP connections open at once; more wait to be accepted. Default 100.</summary>
    public int MaxConnections { get; set; } = 100;
}
