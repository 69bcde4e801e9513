namespace OrleansCache.FaultInjection;

/// <summary>The system a run drives the workload through (<c>--target</c>).</summary>
internal enum RunTarget
{
    /// <summary>OrleansCache: silo processes and cache clients (the default).</summary>
    OrleansCache,

    /// <summary>FusionCache instances on one Redis, for comparison (Fusion/FusionCacheRun.cs).</summary>
    FusionCache,
}
