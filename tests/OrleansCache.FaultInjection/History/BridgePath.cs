namespace OrleansCache.FaultInjection.History;

/// <summary>How a bridge message was sent through Redis.</summary>
internal enum BridgePath
{
    /// <summary>PUBLISH on the canonical channel: lost to silos disconnected at that moment (documented).</summary>
    PubSub,

    /// <summary>XADD to the ingest stream: durable, read through a consumer group.</summary>
    Stream,
}
