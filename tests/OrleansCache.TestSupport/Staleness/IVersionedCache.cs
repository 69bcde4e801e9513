namespace OrleansCache.TestSupport.Staleness;

/// <summary>
/// One application instance's cache as the staleness workload uses it: every value is the version its key's writer
/// gave it, so a read can be judged against the writes acknowledged before it began.
/// </summary>
public interface IVersionedCache
{
    /// <summary>Writes <paramref name="version"/> as <paramref name="key"/>'s value; returns when the cache acknowledges it.</summary>
    Task WriteAsync(string key, long version, CancellationToken cancellationToken);

    /// <summary>The version <paramref name="key"/> holds as this instance reads it; null when it has none.</summary>
    ValueTask<long?> ReadAsync(string key, CancellationToken cancellationToken);
}
