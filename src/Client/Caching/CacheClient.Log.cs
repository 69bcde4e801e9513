using Microsoft.Extensions.Logging;

namespace OrleansCache.Client.Caching;

internal sealed partial class CacheClient
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Could not release the lease of {Key} after its factory failed: {Error}; it expires by itself")]
    private static partial void LogLeaseReleaseFailed(ILogger logger, string key, string error);
}
