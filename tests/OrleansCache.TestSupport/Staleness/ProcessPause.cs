namespace OrleansCache.TestSupport.Staleness;

/// <summary>A stretch of the run (run clock) in which this process could not run its work: its watchdog thread, or a work item queued to its thread pool, waited that long (<see cref="ProcessPauseMonitor"/>).</summary>
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
