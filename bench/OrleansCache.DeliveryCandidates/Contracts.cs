namespace OrleansCache.DeliveryCandidates;

/// <summary>
/// One invalidation as every candidate carries it. <see cref="Seq"/> is assigned by the single producer (the feed grain,
/// or the Redis publisher), so each client can tell a gap or a reordering; <see cref="Stamp"/> is a
/// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> value taken where the measured path starts (silos, clients
/// and driver share this process, so one clock serves all); <see cref="Key"/> gives the message a realistic body.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct Invalidation([property: Id(0)] long Seq, [property: Id(1)] long Stamp, [property: Id(2)] string Key)
{
    /// <summary>The key an event of this sequence number invalidates: a short string like a cache key.</summary>
    public static string KeyFor(long seq) => "tenant-7/item-" + (seq % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What every Orleans feed grain offers the driver and the entry grain.</summary>
public interface IFeedGrain : IGrainWithStringKey
{
    /// <summary>
    /// Publishes the next event. <paramref name="writeStamp"/> is 0 when the driver calls the feed directly, and the
    /// feed then stamps the event on receipt (we measure grain → clients); the entry grain passes the writer's stamp
    /// instead (we measure the whole write path).
    /// </summary>
    Task Publish(long writeStamp);

    /// <summary>The last sequence number published, so the driver knows where a phase begins.</summary>
    Task<long> LastSeq();

    /// <summary>The silo this activation lives on, to show where the entry grain's feed was placed.</summary>
    Task<string> Silo();
}
