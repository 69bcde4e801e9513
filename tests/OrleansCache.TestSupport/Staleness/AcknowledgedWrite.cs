namespace OrleansCache.TestSupport.Staleness;

/// <summary>A write of <paramref name="Version"/> to key number <paramref name="Key"/>, from its call to its acknowledgement (run clock).</summary>
public readonly record struct AcknowledgedWrite(int Key, long Version, TimeSpan Start, TimeSpan End);
