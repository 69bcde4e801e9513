using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Feeds;

/// <summary>
/// Lets a test make a feed lose batches: register one in a silo's services, and every batch
/// <see cref="Withhold"/> returns true for is numbered but never sent, as if lost on the way. Not registered in
/// production: the feed then has no hook at all.
/// </summary>
internal sealed class FeedTestHooks
{
    public Func<InvalidationDelivery, bool>? Withhold { get; set; }
}
