namespace OrleansCache.FaultInjection.Faults;

/// <summary>
/// How stale a read may be around each fault: docs/consistency.md's detection bound of what the fault breaks, plus the
/// 1 s the checker allows without faults (G4).
/// </summary>
internal static class FaultBounds
{
    /// <summary>Without faults: a change acknowledged 1 s before a read began must be seen (consistency.md, G4).</summary>
    public static readonly TimeSpan NoFault = TimeSpan.FromSeconds(1);

    /// <summary>The client's <c>FeedSilenceTimeout</c> (default 3 s): a feed that says nothing for this long is distrusted.</summary>
    private static readonly TimeSpan FeedSilence = TimeSpan.FromSeconds(3);

    /// <summary>Failure detection of a crashed silo with the executable's <c>UseFastFailureDetection</c> (about 1–1.5 s measured).</summary>
    private static readonly TimeSpan DeathDetection = TimeSpan.FromSeconds(2);

    public static TimeSpan Of(FaultKind kind) => kind switch
    {
        // Clients see the gateway go at once (TCP reset) and revalidate everything; keys move once the silo is declared dead.
        FaultKind.SiloKill or FaultKind.OwnerKill or FaultKind.DoubleKill => FeedSilence + DeathDetection + NoFault,
        // Feeds close with a closing batch; a feed that misses it is caught by silence.
        FaultKind.SiloRestart => FeedSilence + NoFault,
        // Connection lost: the client distrusts every copy at once.
        FaultKind.ClientCut => NoFault,
        // Nothing resets: the client hears no heartbeat and distrusts its copies once its feeds have been silent this long.
        FaultKind.ClientStall => FeedSilence + NoFault,
        // Invalidations reach the client late by up to twice the latency (a chunk waits, and what came meanwhile waits again).
        FaultKind.ClientDelay => NoFault + (2 * FaultDurations.ClientLatencyDefault),
        // Invalidations never pass through Redis: only writes stall or fail.
        FaultKind.RedisRestart or FaultKind.RedisPause => NoFault,
        // Every silo stops itself once it finds its membership row gone (about 2 s): clients see their gateways go, as in
        // a kill, and distrust every copy; the window lasts until all replacements are active.
        FaultKind.RedisRestartEmpty => FeedSilence + DeathDetection + NoFault,
        // Nothing resets: clients see the silo's feeds fall silent and stop serving their copies. Keys move only once
        // the silo is declared dead (about 11 s for a silent silo, measured), but until then nobody can change them.
        FaultKind.Partition => FeedSilence + NoFault,
        // The same for a paused silo: its connections stay open, its feeds fall silent; it never serves again once resumed
        // (a write it had in flight is refused by storage, whose fence a newer activation raised).
        FaultKind.SiloPause => FeedSilence + NoFault,
        // FusionCache only: a replaced application instance starts with an empty L1 and must read what others wrote.
        FaultKind.InstanceKill => NoFault,
        // The isolated silo's feeds keep talking to clients, so nothing falls silent: its copies stay trusted until it
        // stops itself, which it does once it reads that it was declared dead (it still reaches the table), as a kill.
        FaultKind.SiloIsolation => FeedSilence + DeathDetection + NoFault,
        // Invalidations never pass through Redis: only the silo's writes (and its bridge) stall or fail.
        FaultKind.SiloRedisCut => NoFault,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No bound for this fault kind."),
    };
}
