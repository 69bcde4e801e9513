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
    private readonly int[] _collections;

    private PhaseMeter(IReadOnlyCollection<int> others)
    {
        _others = others;
        _cpuSeconds = CpuTime.Seconds(others);
        _gcPause = GC.GetTotalPauseDuration();
        _collections = Collections();
    }

    public static PhaseMeter Start(IReadOnlyCollection<int> others)
    {
        Measure.SettleHeap();
        return new PhaseMeter(others);
    }

    public PhaseCost Stop()
    {
        var collections = Collections();
        return new(
            CpuTime.Seconds(_others) - _cpuSeconds,
            (GC.GetTotalPauseDuration() - _gcPause).TotalMilliseconds,
            collections[0] - _collections[0],
            collections[1] - _collections[1],
            collections[2] - _collections[2]);
    }

    // A collection of generation 1 counts for generation 0 too (CollectionCount includes older ones' collections of
    // the younger generations): the differences below say how many of each kind ran.
    private static int[] Collections()
    {
        var gen2 = GC.CollectionCount(2);
        var gen1 = GC.CollectionCount(1);
        return [GC.CollectionCount(0) - gen1, gen1 - gen2, gen2];
    }
}
