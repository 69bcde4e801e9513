namespace OrleansCache.FaultInjection.Workload;

/// <summary>The Redis bridge's four inbound paths, as a non-.NET service uses them (docs/wire-format.md).</summary>
internal enum BridgePath
{
    /// <summary>Canonical JSON on the pub/sub channel <c>cache:invalidate</c>.</summary>
    Canonical,

    /// <summary>A typed event on a channel of its own, mapped to a key prefix.</summary>
    Typed,

    /// <summary>A Redis key changed (<c>SET</c>) under a prefix the silos follow through keyspace notifications.</summary>
    Keyspace,

    /// <summary>Canonical JSON added to a Redis Stream the silos read through a consumer group (<c>XREADGROUP</c>, <c>XACK</c>).</summary>
    Stream,
}
