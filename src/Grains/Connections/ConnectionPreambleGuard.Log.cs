using Microsoft.Extensions.Logging;

namespace OrleansCache.Grains.Connections;

internal sealed partial class ConnectionPreambleGuard
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Closed a connection on the {Port} port from {Remote}: no Orleans connection preamble within {TimeoutSeconds} s ({Suppressed} more closed for this since the last report)")]
    private static partial void LogPreambleTimeout(ILogger logger, string port, string remote, double timeoutSeconds, long suppressed);
}
