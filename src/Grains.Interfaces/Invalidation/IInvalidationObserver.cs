using Orleans.Concurrency;

namespace OrleansCache.Grains.Interfaces;

/// <summary>The client side of the invalidation feeds: receives numbered batches from every partition it subscribed to.</summary>
/// <remarks>
/// Batches come one-way (<see cref="PushAsync"/>): nothing waits for them, so they may arrive in another order than
/// they were sent (Orleans' receive path does reorder bursts), and the client tracks which numbers it has. Heartbeats
/// and closing batches come as calls (<see cref="DeliverAsync"/>) whose answer tells the feed how far the client has
/// received, or that it no longer wants the subscription. Return quickly from both: apply to the near-cache, never
/// call the cluster from here (docs/adr/0043).
/// </remarks>
[Alias("oc.IInvalidationObserver")]
public interface IInvalidationObserver : IGrainObserver
{
    /// <summary>Applies one batch of invalidations.</summary>
    [OneWay, Alias("Push")]
    Task PushAsync(InvalidationDelivery delivery);

    /// <summary>Takes a heartbeat or a closing batch.</summary>
    /// <returns>
    /// The number up to which the client has every batch of this subscription; -1 if it no longer wants the
    /// subscription (it has subscribed again since, or is stopping): the feed then forgets it.
    /// </returns>
    [Alias("Deliver")]
    Task<long> DeliverAsync(InvalidationDelivery delivery);
}
