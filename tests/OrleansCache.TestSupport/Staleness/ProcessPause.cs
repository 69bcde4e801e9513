namespace OrleansCache.TestSupport.Staleness;

/// <summary>A stretch of the run (run clock) in which this process's watchdog thread could not run: nothing in the process could be relied on to.</summary>
public readonly record struct ProcessPause(TimeSpan Start, TimeSpan End)
{
    public TimeSpan Length => End - Start;

    /// <summary>How much of this pause falls between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public TimeSpan OverlapWith(TimeSpan from, TimeSpan to)
    {
        var start = Start > from ? Start : from;
        var end = End < to ? End : to;
        return end > start ? end - start : TimeSpan.Zero;
    }
}
