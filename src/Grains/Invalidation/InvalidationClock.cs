namespace OrleansCache.Grains.Invalidation;

/// <summary>The wall-clock stamp on invalidation batches, from which gateways measure fan-out latency.</summary>
internal static class InvalidationClock
{
    /// <summary>Microseconds since the Unix epoch, by <paramref name="time"/>.</summary>
    public static long UnixMicroseconds(TimeProvider time) => (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}
