namespace OrleansCache.FaultInjection.Faults;

/// <summary>How long the faults that last a while last.</summary>
/// <param name="ClientCut">A client cut off from every gateway.</param>
/// <param name="RedisPause">redis-server stopped with SIGSTOP.</param>
/// <param name="ClientStall">A client's connections open but carrying nothing: longer than the client's feed silence timeout (3 s).</param>
/// <param name="ClientDelay">How long a client's connections carry their bytes late.</param>
/// <param name="ClientLatency">How late: each chunk waits this long, and bytes that came meanwhile wait for the next pass.</param>
/// <param name="ShortPartition">
/// A partition the silo must ride out: shorter than failure detection (2 missed 1 s probes). A long partition lasts
/// until the others have declared the silo dead, and this long more.
/// </param>
internal sealed record FaultDurations(TimeSpan ClientCut, TimeSpan RedisPause, TimeSpan ClientStall, TimeSpan ClientDelay, TimeSpan ClientLatency, TimeSpan ShortPartition)
{
    /// <summary>The latency of <see cref="FaultKind.ClientDelay"/> (its staleness bound depends on it).</summary>
    internal static readonly TimeSpan ClientLatencyDefault = TimeSpan.FromMilliseconds(300);

    // Declared after the latency it uses: static fields are initialized in order.
    public static FaultDurations Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3), ClientLatencyDefault, TimeSpan.FromSeconds(1));
}
