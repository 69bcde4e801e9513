namespace OrleansCache.TestSupport.Staleness;

/// <summary>
/// Everything one run of the staleness workload did: its acknowledged writes and its reads, on one clock, and the
/// pauses of the process that ran it (<see cref="ProcessPauseMonitor"/>; empty when not watched).
/// </summary>
public sealed record StalenessHistory(IReadOnlyList<AcknowledgedWrite> Writes, IReadOnlyList<CheckedRead> Reads, TimeSpan Duration)
{
    public IReadOnlyList<ProcessPause> Pauses { get; init; } = [];
}
