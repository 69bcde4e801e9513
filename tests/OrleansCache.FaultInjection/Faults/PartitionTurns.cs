namespace OrleansCache.FaultInjection.Faults;

/// <summary>
/// Alternates partitions short and long (ADR 0090) across the injectors that share it: the two silos' lanes take their
/// kinds from one schedule (ADR 0092), so a round's two partitions may fall to either lane, and are still one of each.
/// </summary>
internal sealed class PartitionTurns
{
    private int _taken;

    /// <summary>True for every second partition taken: the long one, until the others declare the silo dead.</summary>
    public bool NextIsLong() => (Interlocked.Increment(ref _taken) - 1) % 2 == 1;
}
