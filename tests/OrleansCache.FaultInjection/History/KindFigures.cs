namespace OrleansCache.FaultInjection.History;

/// <summary>What the checker measured for the operations attributed to one fault kind (or to none).</summary>
public sealed class KindFigures
{
    private readonly Dictionary<BridgePath, (int Sent, int Lost, int Twice)> _bridge = [];

    /// <summary>The fault kind, or <c>none</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>How stale a read may be under this kind (docs/consistency.md).</summary>
    public TimeSpan Bound { get; set; }

    /// <summary>Faults of this kind injected.</summary>
    public int Injected { get; set; }

    /// <summary>Client operations overlapping a window of this kind.</summary>
    public int Operations { get; set; }

    /// <summary>Of those, the ones that threw (timeouts, cluster unavailable).</summary>
    public int Failed { get; set; }

    /// <summary>Acknowledged reads.</summary>
    public int Reads { get; set; }

    /// <summary>Reads older than a change acknowledged before they began.</summary>
    public int StaleReads { get; set; }

    /// <summary>Reads staler than <see cref="Bound"/>.</summary>
    public int OverBound { get; set; }

    /// <summary>The worst staleness.</summary>
    public TimeSpan MaxStaleness { get; set; }

    /// <summary>The 99th percentile of staleness over all reads (most are 0).</summary>
    public TimeSpan P99Staleness { get; set; }

    /// <summary>Reads older than what the same client had already read or written.</summary>
    public int Backwards { get; set; }

    /// <summary>Acknowledged writes missing after the run.</summary>
    public int LostWrites { get; set; }

    /// <summary>Get-or-create bursts.</summary>
    public int Bursts { get; set; }

    /// <summary>Bursts whose factory ran more than once.</summary>
    public int BurstsWithRepeatedFactory { get; set; }

    /// <summary>Callers of a burst that got no value (threw).</summary>
    public int BurstCallersFailed { get; set; }

    /// <summary>Pub/sub (canonical channel) bridge messages sent, lost (never applied) and applied twice or more.</summary>
    public (int Sent, int Lost, int Twice) PubSub => Bridge(BridgePath.PubSub);

    /// <summary>Stream bridge messages sent, lost and applied twice or more.</summary>
    public (int Sent, int Lost, int Twice) Stream => Bridge(BridgePath.Stream);

    /// <summary>Typed-channel events sent, lost and applied twice or more.</summary>
    public (int Sent, int Lost, int Twice) Typed => Bridge(BridgePath.Typed);

    /// <summary>Foreign writes under the keyspace prefix made, lost (no invalidation) and applied twice or more.</summary>
    public (int Sent, int Lost, int Twice) Keyspace => Bridge(BridgePath.Keyspace);


    /// <summary>Counts one message of <paramref name="path"/> that was applied <paramref name="applied"/> times.</summary>
    internal void CountBridge(BridgePath path, int applied)
    {
        var (sent, lost, twice) = Bridge(path);
        _bridge[path] = (sent + 1, lost + (applied == 0 ? 1 : 0), twice + (applied > 1 ? 1 : 0));
    }

    private (int Sent, int Lost, int Twice) Bridge(BridgePath path) => _bridge.GetValueOrDefault(path);
}
