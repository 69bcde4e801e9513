namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>What a timed phase cost: CPU seconds (this process and the others measured) and this process's GC pause time.</summary>
internal readonly record struct PhaseCost(double CpuSeconds, double GcPauseMilliseconds);
