namespace OrleansCache.FaultInjection.History;

/// <summary>What a recorded client operation did.</summary>
internal enum OperationKind
{
    /// <summary>A read through the near-cache (versioned).</summary>
    Read,

    /// <summary>A write of a unique value.</summary>
    Write,

    /// <summary>An invalidation of one key.</summary>
    Invalidate,

    /// <summary>An invalidation by glob pattern.</summary>
    Pattern,
}
