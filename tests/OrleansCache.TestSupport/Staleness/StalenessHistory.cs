namespace OrleansCache.TestSupport.Staleness;

/// <summary>Everything one run of the staleness workload did: its acknowledged writes and its reads, on one clock.</summary>
public sealed record StalenessHistory(IReadOnlyList<AcknowledgedWrite> Writes, IReadOnlyList<CheckedRead> Reads, TimeSpan Duration);
