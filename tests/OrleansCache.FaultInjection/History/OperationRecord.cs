using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.History;

/// <summary>One client operation: who, what, when (run clock), and what it saw or produced.</summary>
/// <param name="Client">The client's number.</param>
/// <param name="Kind">What it did.</param>
/// <param name="Target">The key, or the pattern.</param>
/// <param name="Start">When it was called.</param>
/// <param name="End">When it returned or threw.</param>
/// <param name="Ok">It returned (acknowledged); false: it threw, so it may or may not have taken effect.</param>
/// <param name="Found">For reads: a value was returned.</param>
/// <param name="Value">The value read or written.</param>
/// <param name="Version">The version read, or produced by a write or invalidation; null for patterns and failures.</param>
internal sealed record OperationRecord(int Client, OperationKind Kind, string Target, TimeSpan Start, TimeSpan End, bool Ok, bool Found, string? Value, CacheVersion? Version);
