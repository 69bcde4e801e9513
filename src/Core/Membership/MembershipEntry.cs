namespace OrleansCache.Core.Membership;

/// <summary>One row of the membership table: a silo incarnation and its state.</summary>
public sealed record MembershipEntry
{
    /// <summary>The silo incarnation this row describes.</summary>
    public required SiloAddress Silo { get; init; }

    /// <summary>The operator's name for the silo (e.g. the host name).</summary>
    public string SiloName { get; init; } = string.Empty;

    /// <summary>The <c>host:port</c> clients connect to, or null if the silo is not a gateway.</summary>
    public string? GatewayEndPoint { get; init; }

    /// <summary>The silo's state.</summary>
    public SiloStatus Status { get; init; }

    /// <summary>When the silo started.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>The silo's clock at its last heartbeat; for operators and pruning, not for failure detection.</summary>
    public DateTimeOffset IAmAliveTime { get; init; }

    /// <summary>
    /// Incremented on every heartbeat. Failure detection watches this counter on the observer's own clock,
    /// so silos need not agree on the time.
    /// </summary>
    public long HeartbeatCount { get; init; }

    /// <summary>The row's version for compare-and-set, set by the table; opaque to everyone else.</summary>
    public string ETag { get; init; } = string.Empty;
}
