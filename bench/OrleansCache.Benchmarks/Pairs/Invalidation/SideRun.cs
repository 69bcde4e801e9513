using OrleansCache.Benchmarks.Infrastructure;

namespace OrleansCache.Benchmarks.Pairs.Invalidation;

/// <summary>
/// One P4 repeat of one side: send → applied at each receiver, and what the paced phase cost. Ours also says where its
/// time went (the write's acknowledgement, the feed's push) and what it lost.
/// </summary>
internal sealed record SideRun(LatencySummary Latencies, PhaseCost Cost)
{
    /// <summary>The writer's call until acknowledged (ours only).</summary>
    public LatencySummary? Acknowledged { get; init; }

    /// <summary>The feed stamping a batch until a client received it (ours only).</summary>
    public LatencySummary? FeedToClient { get; init; }

    /// <summary>Arrivals still missing when the wait for them ended.</summary>
    public long Missing { get; init; }

    /// <summary>Resynchronizations the receivers started (ours only): each may have dropped arrivals.</summary>
    public int Resyncs { get; init; }
}
