using Microsoft.Extensions.Logging;

namespace OrleansCache.Client;

internal sealed partial class ClusterClient
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Connected to gateway {Gateway} (silo {Silo})")]
    private static partial void LogConnected(ILogger logger, string gateway, string silo);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Lost gateway {Gateway}: {Reason}; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string gateway, string? reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Connecting to gateway {Gateway} failed: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string gateway, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "The gateway list provider failed: {Reason}; using the gateways known so far")]
    private static partial void LogGatewayListFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Gateway {Gateway} and this client could not authenticate each other: {Reason}")]
    private static partial void LogAuthenticationFailed(ILogger logger, string gateway, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Gateway {Gateway} is closing: {Reason}")]
    private static partial void LogGatewayClosing(ILogger logger, string gateway, string reason);
}
