using Microsoft.Extensions.Logging;

namespace OrleansCache.Grains.Streams;

/// <summary>The log events of <see cref="InvalidationStreamPublisher"/> (stable event ids).</summary>
internal sealed partial class InvalidationStreamPublisher
{
    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Could not publish a {Kind} invalidation on stream provider {Provider}; it is not retried, and further failures are only counted (orleanscache.cache.streams.failed) until one succeeds")]
    private static partial void LogFailed(ILogger logger, Exception exception, string kind, string provider);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Invalidations for stream provider {Provider} are dropped: the silo's queue of {Capacity} is full (the provider is not keeping up) or closed (the silo is stopping); only counted from now until one is queued again")]
    private static partial void LogDropping(ILogger logger, string provider, int capacity);
}
