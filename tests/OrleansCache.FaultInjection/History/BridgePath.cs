namespace OrleansCache.FaultInjection.History;

/// <summary>How a bridge message was sent through Redis (each an inbound path of the silos' bridge, docs/wire-format.md).</summary>
internal enum BridgePath
{
    /// <summary>PUBLISH on the canonical channel: lost to silos disconnected at that moment (documented).</summary>
    PubSub,

    /// <summary>XADD to the ingest stream: durable, read through a consumer group.</summary>
    Stream,

    /// <summary>PUBLISH of a typed event (<c>{"type":"item","itemId":"N"}</c>) on a typed channel: lossy on disconnect, like <see cref="PubSub"/>.</summary>
    Typed,

    /// <summary>
    /// A foreign client's SET of a Redis key under a keyspace prefix; Redis publishes the keyspace notification (pub/sub,
    /// lossy on disconnect) and the cache key of the same name is invalidated.
    /// </summary>
    Keyspace,
}
