namespace OrleansCache.Runtime;

/// <summary>Failure detection and membership. Bound from the <c>Membership</c> configuration section.</summary>
/// <remarks>
/// A silo whose heartbeat count has not changed for <see cref="DeathTimeout"/>, as seen on an observer's own clock,
/// is declared dead. The detection bound is therefore <see cref="DeathTimeout"/> plus one <see cref="ProbeInterval"/>,
/// counted while some observer reads the table: an observer that could not read it for more than half a death timeout
/// (Redis restarting, its own process stalled) does not count that gap as the others' silence.
/// </remarks>
public sealed class MembershipOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Membership";

    /// <summary>How often a silo heartbeats and re-reads the table. Default 1 s.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a silo may miss heartbeats before it is declared dead. Default 10 s; at least 3 probe intervals.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long rows of dead silos stay in the table before they are pruned. Default 1 h.</summary>
    public TimeSpan DefunctSiloRetention { get; set; } = TimeSpan.FromHours(1);
}
