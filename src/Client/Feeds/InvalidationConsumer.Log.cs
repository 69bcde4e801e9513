using Microsoft.Extensions.Logging;

namespace OrleansCache.Client.Feeds;

internal sealed partial class InvalidationConsumer
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Client {Client}: Partition {Partition} may have missed invalidations ({Reason}, batch {Sequence}); resubscribing and revalidating its entries")]
    private static partial void LogMissed(ILogger logger, string client, int partition, string reason, long sequence);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Client {Client}: Partition {Partition} revalidated ({Reason}): kept {Kept}, dropped {Dropped}")]
    private static partial void LogRevalidated(ILogger logger, string client, int partition, string reason, int kept, int dropped);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Client {Client}: Revalidating partition {Partition} ({Reason}) failed: {Error}; its entries are read from the cluster until it succeeds")]
    private static partial void LogRevalidationFailed(ILogger logger, string client, int partition, string reason, string error);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "Client {Client}: Subscribing to the feed of partition {Partition} failed ({Error}); trying again")]
    private static partial void LogSubscribeFailed(ILogger logger, string client, int partition, string error);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Client {Client}: Ignored a malformed invalidation batch")]
    private static partial void LogMalformedDelivery(ILogger logger, string client);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Debug, Message = "Client {Client}: Could not unsubscribe from the feeds while stopping: {Error}")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string client, string error);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Debug, Message = "Client {Client}: Partition {Partition} subscribed as {Subscription} to feed epoch {Epoch} ({Reason})")]
    private static partial void LogSubscribed(ILogger logger, string client, int partition, Guid subscription, long epoch, string reason);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Debug, Message = "Client {Client}: Partition {Partition} resynchronizing ({Reason}): {Entries} entries to revalidate")]
    private static partial void LogResyncing(ILogger logger, string client, int partition, string reason, int entries);
}
