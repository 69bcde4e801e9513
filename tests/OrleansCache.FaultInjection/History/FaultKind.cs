namespace OrleansCache.FaultInjection.History;

/// <summary>The faults the runner injects.</summary>
internal enum FaultKind
{
    /// <summary>SIGKILL of a silo; a replacement starts in its place.</summary>
    SiloKill,

    /// <summary>SIGTERM (graceful stop: hand-over) of a silo, then a new one in its place.</summary>
    SiloRestart,

    /// <summary>Every client connection through one gateway proxy reset.</summary>
    ClientCut,

    /// <summary>Every chunk through one gateway proxy delayed.</summary>
    ClientDelay,

    /// <summary>All traffic through one gateway proxy held (connections open, nothing arrives), then released.</summary>
    ClientStall,

    /// <summary>redis-server SIGKILLed and started again on its append-only file.</summary>
    RedisRestart,

    /// <summary>redis-server SIGSTOPped, then SIGCONTed.</summary>
    RedisPause,

    /// <summary>
    /// One silo cut off from clients, peers and Redis (its namespace's veth link down, or its proxies holding all its
    /// traffic), alternately shorter than the death timeout (it must heal without a restart) and longer (the others
    /// declare it dead; on healing it finds itself dead and stops, and a replacement starts).
    /// </summary>
    Partition,

    /// <summary>
    /// Not injected: a silo the others declared dead (its heartbeats were late past the death timeout, e.g. on a
    /// starved machine) stopped itself, as designed (fail-stop), and was replaced.
    /// </summary>
    SiloFailStop,
}
