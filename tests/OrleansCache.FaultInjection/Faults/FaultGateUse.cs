namespace OrleansCache.FaultInjection.Faults;

/// <summary>How a fault enters its run's <see cref="FaultGate"/>.</summary>
internal enum FaultGateUse
{
    /// <summary>Not at all: it may overlap anything (a client's connection, Redis's restart or pause).</summary>
    None,

    /// <summary>Beside the other silos' lane's ordinary faults, each on its own silos.</summary>
    Shared,

    /// <summary>Alone among the gated faults: it touches more than one silo, or silos another lane may be faulting.</summary>
    Exclusive,
}
