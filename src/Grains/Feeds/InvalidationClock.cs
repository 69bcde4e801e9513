namespace OrleansCache.Grains.Feeds;

/// <summary>The wall-clock stamp on invalidation batches, from which clients measure how long an invalidation took to reach them.</summary>
internal static class InvalidationClock
{
    /// <summary>Microseconds since the Unix epoch, by <paramref name="time"/>.</summary>
    public static long UnixMicroseconds(TimeProvider time) => (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}
