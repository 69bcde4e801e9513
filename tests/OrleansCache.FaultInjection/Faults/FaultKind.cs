namespace OrleansCache.FaultInjection.Faults;

/// <summary>The faults the runner injects, one at a time.</summary>
internal enum FaultKind
{
    /// <summary>SIGKILL of a silo; a replacement starts in its slot.</summary>
    SiloKill,

    /// <summary>
    /// SIGKILL of two silos at once, the hot keys' owner among them; both are replaced. Needs at least four silos: with
    /// three, the one survivor cannot gather the two votes a death declaration takes, and the cluster waits (Orleans).
    /// </summary>
    DoubleKill,

    /// <summary>SIGKILL of the silo that owns the hot keys (their partitions are placed there); a replacement starts.</summary>
    OwnerKill,

    /// <summary>SIGTERM (graceful stop: grains hand over, feeds close) of a silo, then a replacement.</summary>
    SiloRestart,

    /// <summary>One client's connections to every gateway cut, new ones refused, then allowed again.</summary>
    ClientCut,

    /// <summary>
    /// One client's connections left open but carrying nothing, either way, for longer than its feed silence timeout,
    /// then carrying what they held (no reset, no loss: a hung path). Calls time out; the client hears no heartbeat.
    /// </summary>
    ClientStall,

    /// <summary>One client's connections carrying every byte late (300–600 ms) for a few seconds, then normal again.</summary>
    ClientDelay,

    /// <summary>redis-server SIGKILLed and started again on its append-only file.</summary>
    RedisRestart,

    /// <summary>
    /// redis-server SIGKILLed and started again without its data (persistence lost): Orleans' membership table, every
    /// stored entry and the storage's epoch counter are gone. Acknowledged changes made before it may be lost; none made
    /// after it may be.
    /// </summary>
    RedisRestartEmpty,

    /// <summary>redis-server SIGSTOPped, then SIGCONTed.</summary>
    RedisPause,

    /// <summary>
    /// One silo cut off from clients, peers and Redis by setting its network namespace's link down, alternately
    /// shorter than failure detection (it must ride it out) and longer (it is declared dead, stops itself on healing,
    /// and a replacement starts). Only where network namespaces can be made.
    /// </summary>
    Partition,

    /// <summary>
    /// SIGSTOP of a silo until the others have declared it dead, then SIGCONT: the zombie that still believes it owns its
    /// grains. It must stop itself (Orleans' fail-stop) once it reads that it was declared dead; a replacement starts.
    /// </summary>
    SiloPause,

    /// <summary>
    /// One silo cut off from the other silos, both ways, but not from Redis or the clients (blackhole routes in the
    /// namespaces), until the others have declared it dead: it can still read the membership table and serve its
    /// clients, and must stop itself once it reads that it was declared dead. Only where network namespaces can be made.
    /// </summary>
    SiloIsolation,

    /// <summary>
    /// One silo cut off from Redis alone (a blackhole route in its namespace) for a few seconds: its peers and clients
    /// still reach it. Its storage calls and membership writes fail; it must not serve a change it could not store, and
    /// its bridge resubscribes once Redis is back. Only where network namespaces can be made.
    /// </summary>
    SiloRedisCut,

    /// <summary>
    /// FusionCache only (<c>--target fusioncache</c>): one application instance disposed mid-operation (its L1 and
    /// whatever it had queued for Redis gone), replaced by a new instance with an empty L1.
    /// </summary>
    InstanceKill,
}
