using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.History;

/// <summary>A key as its grain holds it after the run, every fault healed.</summary>
internal sealed record FinalState(bool Found, string? Value, CacheVersion Version);
