namespace OrleansCache.Grains.Interfaces;

/// <summary>The answer to a get-or-lease call.</summary>
[GenerateSerializer, Alias("oc.LeaseOutcome")]
public enum LeaseOutcome
{
    /// <summary>The key has a value; it is in the result.</summary>
    Hit = 1,

    /// <summary>The caller holds the lease: it runs the factory and completes or fails the lease.</summary>
    Granted = 2,

    /// <summary>Another caller holds the lease: wait for its fill.</summary>
    Wait = 3,
}
