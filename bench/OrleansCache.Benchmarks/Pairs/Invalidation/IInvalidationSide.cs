namespace OrleansCache.Benchmarks.Pairs.Invalidation;

/// <summary>
/// One system of P4 and P5 (ours, Redis pub/sub, FusionCache's backplane) with its sender and its receivers started once
/// and reused by every repeat: each repeat names its messages under a prefix of its own, so a late arrival of an earlier
/// repeat is never counted in a later one.
/// </summary>
internal interface IInvalidationSide : IAsyncDisposable
{
    /// <summary>P4: <paramref name="messages"/> sent at <paramref name="rate"/> per second, each to every receiver.</summary>
    Task<SideRun> AtRateAsync(string repeat, int messages, double rate, CancellationToken cancellationToken);

    /// <summary>P5: <paramref name="messages"/> sent 64 at a time; the rate at which every receiver had them all.</summary>
    Task<SideThroughput> ThroughputAsync(string repeat, int messages, CancellationToken cancellationToken);
}
