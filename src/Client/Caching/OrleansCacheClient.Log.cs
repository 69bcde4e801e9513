using Microsoft.Extensions.Logging;

namespace OrleansCache.Client.Caching;

internal sealed partial class OrleansCacheClient
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Invalidation stream gap before push {Sequence}; revalidating the near-cache")]
    private static partial void LogSequenceGap(ILogger logger, ulong sequence);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Revalidated the near-cache ({Reason}): kept {Kept}, dropped {Dropped}")]
    private static partial void LogRevalidated(ILogger logger, string reason, int kept, int dropped);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Revalidating the near-cache ({Reason}) failed: {Error}; unconfirmed entries are read from the cluster")]
    private static partial void LogRevalidationFailed(ILogger logger, string reason, string error);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Could not release the lease of {Key} after its factory failed: {Error}; it expires by itself")]
    private static partial void LogLeaseReleaseFailed(ILogger logger, string key, string error);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Could not send the broadcast subscription: {Error}")]
    private static partial void LogSubscribeFailed(ILogger logger, string error);
}
