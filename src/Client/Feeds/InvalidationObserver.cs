using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Feeds;

/// <summary>The object the feeds call; hands every batch, heartbeat and closing batch to the consumer.</summary>
/// <remarks>
/// Orleans holds observer objects weakly: the consumer keeps this one (and its reference) for its whole life, or
/// batches would be dropped with only a log line.
/// </remarks>
internal sealed class InvalidationObserver(InvalidationConsumer consumer) : IInvalidationObserver
{
    public Task PushAsync(InvalidationDelivery delivery)
    {
        consumer.OnDelivery(delivery);
        return Task.CompletedTask;
    }

    public Task<long> DeliverAsync(InvalidationDelivery delivery) => Task.FromResult(consumer.OnDelivery(delivery));
}
