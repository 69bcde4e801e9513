using OrleansCache.FaultInjection.Workload;

namespace OrleansCache.FaultInjection.History;

/// <summary>
/// One invalidation a service published through the Redis bridge, as the bridge probes recorded it.
/// </summary>
/// <param name="Path">The inbound path.</param>
/// <param name="Key">The cache key it invalidates.</param>
/// <param name="Start">When the publish (PUBLISH, SET or XADD) was sent.</param>
/// <param name="End">When Redis acknowledged it, or the call failed.</param>
/// <param name="Ok">Redis acknowledged it (for the stream: the entry is in the stream).</param>
/// <param name="AppliedSeenAt">
/// When every client had seen the key removed after it (the probe then rewrote the key), or null if that was not seen
/// within the probe's wait.
/// </param>
internal sealed record BridgeMessage(BridgePath Path, string Key, TimeSpan Start, TimeSpan End, bool Ok, TimeSpan? AppliedSeenAt);
