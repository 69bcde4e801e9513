using Microsoft.Extensions.Logging;

namespace OrleansCache.Core.Messaging;

internal sealed partial class FramedConnection
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Closing connection {Connection}: protocol violation: {Reason}")]
    private static partial void LogProtocolViolation(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Connection {Connection} failed: {Reason}")]
    private static partial void LogConnectionFailed(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Closing connection {Connection}: nothing heard for {SilenceMs} ms")]
    private static partial void LogKeepAliveTimeout(ILogger logger, string connection, double silenceMs);
}
