namespace OrleansCache.Core.Membership;

/// <summary>A silo's state in the membership table. Status only moves forward: Joining, Active, ShuttingDown, Dead.</summary>
public enum SiloStatus
{
    /// <summary>Not set.</summary>
    None = 0,

    /// <summary>Starting; owns no grains yet.</summary>
    Joining = 1,

    /// <summary>Serving: owns grains and accepts clients.</summary>
    Active = 2,

    /// <summary>Leaving gracefully: owns no grains, drains its work.</summary>
    ShuttingDown = 3,

    /// <summary>Gone, by its own word or declared dead by another silo. A dead silo never returns; it restarts with a new generation.</summary>
    Dead = 4,
}
