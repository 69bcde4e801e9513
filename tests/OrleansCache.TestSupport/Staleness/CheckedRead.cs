namespace OrleansCache.TestSupport.Staleness;

/// <summary>A read of key number <paramref name="Key"/> by application instance <paramref name="Instance"/>: the version it returned (null: none), from its call to its return (run clock).</summary>
public readonly record struct CheckedRead(int Instance, int Key, long? Version, TimeSpan Start, TimeSpan End);
