namespace OrleansCache.Silo.Options;

/// <summary>
/// The silo's HTTP port for operators: <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, our dashboard and Orleans'. Bound from
/// the <c>Http</c> section; off by default.
/// </summary>
/// <remarks>
/// <c>/healthz</c> and <c>/readyz</c> answer anyone who can reach the port (orchestrators probe them). Everything else
/// answers loopback callers, and others only with <see cref="Token"/> as a bearer token.
/// </remarks>
internal sealed class HttpEndpointOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Http";

    /// <summary>Serve the endpoints. Default false: no HTTP port is opened.</summary>
    public bool Enabled { get; set; }

    /// <summary>The IP address the HTTP port listens on. Default <c>127.0.0.1</c>.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The HTTP port. Default 8080; 0 picks a free port (logged at start).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Serve the dashboard (<c>/</c>) and its data (<c>/api/cluster</c>). Default true.</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// Run Microsoft's Orleans dashboard (grains, silos, calls, reminders, a live log stream) and, with
    /// <see cref="Enabled"/>, serve it at <c>/orleans/</c> under the same access rule as our dashboard. Default false: it profiles every grain call and gathers figures every
    /// second on every silo, about 10 % of write throughput on a CPU-bound silo (ADR 0081).
    /// </summary>
    /// <remarks>
    /// Read even when <see cref="Enabled"/> is false: the dashboard served by one silo asks every silo for its figures,
    /// so every silo of a cluster should have the same value. Off, the silo runs without the dashboard's grain service
    /// and grain call profiler, and <c>/orleans/</c> answers 404.
    /// </remarks>
    public bool OrleansDashboard { get; set; }

    /// <summary>
    /// A bearer token (at least 16 characters) that callers from other machines must send
    /// (<c>Authorization: Bearer …</c>) for <c>/metrics</c> and the dashboard. Never logged. Default none: only
    /// loopback callers get them.
    /// </summary>
    public string? Token { get; set; }
}
