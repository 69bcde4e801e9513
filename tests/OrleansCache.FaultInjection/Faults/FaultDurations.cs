namespace OrleansCache.FaultInjection.Faults;

/// <summary>How long the faults that last a while last.</summary>
/// <param name="ClientCut">A client cut off from every gateway.</param>
/// <param name="RedisPause">redis-server stopped with SIGSTOP.</param>
/// <param name="ShortPartition">
/// A partition the silo must ride out: shorter than failure detection (2 missed 1 s probes). A long partition lasts
/// until the others have declared the silo dead, and this long more.
/// </param>
internal sealed record FaultDurations(TimeSpan ClientCut, TimeSpan RedisPause, TimeSpan ShortPartition)
{
    public static FaultDurations Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1));
}
