using Microsoft.Extensions.Logging;

namespace OrleansCache.Client.Feeds;

internal sealed partial class InvalidationConsumer
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Partition {Partition} may have missed invalidations ({Reason}, batch {Sequence}); resubscribing and revalidating its entries")]
    private static partial void LogMissed(ILogger logger, int partition, string reason, long sequence);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Partition {Partition} revalidated ({Reason}): kept {Kept}, dropped {Dropped}")]
    private static partial void LogRevalidated(ILogger logger, int partition, string reason, int kept, int dropped);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Revalidating partition {Partition} ({Reason}) failed: {Error}; its entries are read from the cluster until it succeeds")]
    private static partial void LogRevalidationFailed(ILogger logger, int partition, string reason, string error);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "Subscribing to the feed of partition {Partition} failed ({Error}); trying again")]
    private static partial void LogSubscribeFailed(ILogger logger, int partition, string error);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Ignored a malformed invalidation batch")]
    private static partial void LogMalformedDelivery(ILogger logger);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Debug, Message = "Could not unsubscribe from the feeds while stopping: {Error}")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string error);
}
