using OrleansCache.Core.Membership;

namespace OrleansCache.Core.Management;

/// <summary>One silo as the membership table records it, with what the silo itself reported.</summary>
public sealed record ClusterMember
{
    /// <summary>The silo's address, <c>host:port@generation</c>.</summary>
    public required string Address { get; init; }

    /// <summary>The silo's configured name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The silo's state.</summary>
    public SiloStatus Status { get; init; }

    /// <summary>Which incarnation of the silo at this endpoint this is; a restarted silo has a larger one.</summary>
    public long Generation { get; init; }

    /// <summary>Where clients connect to this silo, or null when it is not a gateway.</summary>
    public string? Gateway { get; init; }

    /// <summary>When the silo started.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>The silo's last heartbeat in the table.</summary>
    public DateTimeOffset LastHeartbeat { get; init; }

    /// <summary>Live grain activations on the silo, or null when it did not answer (e.g. it is dead).</summary>
    public int? Activations { get; init; }
}
