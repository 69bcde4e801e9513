namespace OrleansCache.FaultInjection.History;

/// <summary>What the checker measured for the operations attributed to one fault kind (or to none).</summary>
internal sealed class KindFigures
{
    // The staleness of each stale read (most reads are not stale: they count as zero without being kept).
    private readonly List<TimeSpan> _stale = [];

    /// <summary>The fault kind, or <c>none</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>How stale a read may be under this kind.</summary>
    public TimeSpan Bound { get; set; }

    /// <summary>Faults of this kind injected.</summary>
    public int Injected { get; set; }

    /// <summary>Client operations overlapping a window of this kind.</summary>
    public int Operations { get; set; }

    /// <summary>Of those, the ones that threw (timeouts, cluster unavailable).</summary>
    public int Failed { get; set; }

    /// <summary>Acknowledged reads.</summary>
    public int Reads { get; private set; }

    /// <summary>Reads older than a change acknowledged before they began.</summary>
    public int StaleReads => _stale.Count;

    /// <summary>Reads staler than <see cref="Bound"/>.</summary>
    public int OverBound { get; set; }

    /// <summary>The worst staleness.</summary>
    public TimeSpan MaxStaleness { get; private set; }

    /// <summary>The 99th percentile of every read's staleness (a read that was not stale counts as zero).</summary>
    public TimeSpan P99Staleness
    {
        get
        {
            // Rank of the 99th percentile among all reads, ascending, of which all but the stale ones are zero.
            var rank = (int)Math.Ceiling(0.99 * Reads) - (Reads - _stale.Count);
            if (rank <= 0)
            {
                return TimeSpan.Zero;
            }

            _stale.Sort();
            return _stale[rank - 1];
        }
    }

    /// <summary>
    /// The longest a fault of this kind took from being healed until every client it touched was served again (the
    /// run's recovery check); zero for <c>none</c>.
    /// </summary>
    public TimeSpan MaxRecovery { get; set; }

    /// <summary>Reads older than what the same client had already read or written.</summary>
    public int Backwards { get; set; }

    /// <summary>Counts an acknowledged read and how stale it was (zero when it was not).</summary>
    public void AddRead(TimeSpan staleness)
    {
        Reads++;
        if (staleness > TimeSpan.Zero)
        {
            _stale.Add(staleness);
            MaxStaleness = staleness > MaxStaleness ? staleness : MaxStaleness;
        }
    }

    /// <summary>Acknowledged changes missing after the run.</summary>
    public int LostWrites { get; set; }

    /// <summary>Get-or-create bursts overlapping a window of this kind.</summary>
    public int Bursts { get; set; }

    /// <summary>Factory runs of those bursts (one per burst when single flight holds).</summary>
    public int FactoryRuns { get; set; }

    /// <summary>Invalidations published through the Redis bridge around this kind.</summary>
    public int BridgeMessages { get; set; }

    /// <summary>Of those, the ones a later read showed not applied past their bound.</summary>
    public int BridgeLost { get; set; }

    /// <summary>Of those, the ones a later read showed applied a second time (a violation only away from faults).</summary>
    public int BridgeTwice { get; set; }
}
