using Microsoft.Extensions.Logging;

namespace OrleansCache.Grains.Management;

/// <summary>The log events of <see cref="CacheClusterGrain"/> (stable event ids).</summary>
internal sealed partial class CacheClusterGrain
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Silo {Silo} did not report its cache figures within {Timeout}")]
    private static partial void LogSiloSlow(ILogger logger, SiloAddress silo, TimeSpan timeout);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Silo {Silo} could not report its cache figures")]
    private static partial void LogSiloFailed(ILogger logger, SiloAddress silo, Exception exception);
}
