namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>
/// What a timed phase cost: CPU seconds (this process and the others measured), this process's GC pause time, and its
/// collections of each generation (which kind of collection made the pauses).
/// </summary>
internal readonly record struct PhaseCost(double CpuSeconds, double GcPauseMilliseconds, int Gen0Collections, int Gen1Collections, int Gen2Collections)
{
    /// <summary>The collections as <c>gen0/gen1/gen2</c>, for the log.</summary>
    public string Collections => $"{Gen0Collections}/{Gen1Collections}/{Gen2Collections}";
}
