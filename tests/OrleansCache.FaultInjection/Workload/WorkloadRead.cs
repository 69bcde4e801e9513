using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.Workload;

/// <summary>What a read returned: whether a value was found, the value, and the version it reflects (null: unknown).</summary>
internal sealed record WorkloadRead(bool Found, string? Value, CacheVersion? Version);
