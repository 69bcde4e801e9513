using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.Workload;

/// <summary>
/// One cache client of the system under test, as the workload drives it: reads that say which version they returned,
/// and changes that say which version they produced (for the checker, History/HistoryChecker.cs).
/// </summary>
internal interface IWorkloadClient
{
    /// <summary>The client's number in the history (a replaced instance gets a new one).</summary>
    int Number { get; }

    /// <summary>Reads <paramref name="key"/>; the version is null when the system cannot say which change a miss reflects.</summary>
    Task<WorkloadRead> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="value"/> (never written before) and returns the version it produced.</summary>
    Task<CacheVersion> WriteAsync(string key, string value, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="key"/> and returns the version of the removal.</summary>
    Task<CacheVersion> InvalidateAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes every key of the group <paramref name="pattern"/> (<c>grpN:*</c>) names.</summary>
    Task InvalidateByPatternAsync(string pattern, CancellationToken cancellationToken);
}
