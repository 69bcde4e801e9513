namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>
/// Measures what a timed phase costs: CPU time (this process and the given other processes) and the time this process
/// spent paused for garbage collection. Starting one collects the garbage the set-up left first (<see cref="Measure.SettleHeap"/>),
/// so that every side's phase begins from a settled heap.
/// </summary>
internal sealed class PhaseMeter
{
    private readonly IReadOnlyCollection<int> _others;
    private readonly double _cpuSeconds;
    private readonly TimeSpan _gcPause;

    private PhaseMeter(IReadOnlyCollection<int> others)
    {
        _others = others;
        _cpuSeconds = CpuTime.Seconds(others);
        _gcPause = GC.GetTotalPauseDuration();
    }

    public static PhaseMeter Start(IReadOnlyCollection<int> others)
    {
        Measure.SettleHeap();
        return new PhaseMeter(others);
    }

    public PhaseCost Stop() => new(CpuTime.Seconds(_others) - _cpuSeconds, (GC.GetTotalPauseDuration() - _gcPause).TotalMilliseconds);
}
