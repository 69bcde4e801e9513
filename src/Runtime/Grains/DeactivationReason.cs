namespace OrleansCache.Runtime;

/// <summary>Why an activation was deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>Unused for longer than the idle timeout.</summary>
    IdleTimeout = 1,

    /// <summary>The membership view changed and another silo owns the grain now.</summary>
    OwnershipChanged = 2,

    /// <summary>The silo is shutting down gracefully.</summary>
    SiloShuttingDown = 3,

    /// <summary>The grain asked for it.</summary>
    ApplicationRequested = 4,

    /// <summary>The silo reached its activation limit and this activation was the least recently used.</summary>
    ActivationLimit = 5,

    /// <summary><see cref="Grain.OnActivateAsync"/> threw.</summary>
    ActivationFailed = 6,
}
