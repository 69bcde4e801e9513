namespace OrleansCache.Grains.Interfaces;

/// <summary>How a lease ended, as seen by a waiter.</summary>
[GenerateSerializer, Alias("oc.FillOutcome")]
public enum FillOutcome
{
    /// <summary>The lease holder stored a value; it is in the result.</summary>
    Filled = 1,

    /// <summary>The factory failed; the error is in the result.</summary>
    Failed = 2,

    /// <summary>The lease was voided (an invalidation came first), expired, or is not the current one: ask again.</summary>
    Retry = 3,
}
