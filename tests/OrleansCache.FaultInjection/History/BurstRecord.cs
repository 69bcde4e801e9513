namespace OrleansCache.FaultInjection.History;

/// <summary>One get-or-create burst: many concurrent callers from every client for one fresh key.</summary>
/// <param name="Key">The key, fresh for this burst.</param>
/// <param name="Start">When the first caller started.</param>
/// <param name="End">When the last caller finished.</param>
/// <param name="Callers">How many callers.</param>
/// <param name="Succeeded">How many returned a value.</param>
/// <param name="FactoryRuns">How many times the factory ran.</param>
internal sealed record BurstRecord(string Key, TimeSpan Start, TimeSpan End, int Callers, int Succeeded, int FactoryRuns);
