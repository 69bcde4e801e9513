using Microsoft.Extensions.Logging;

namespace OrleansCache.Silo.Hosting;

/// <summary>The log events of <see cref="SiloHostLifetime"/> (stable event ids).</summary>
internal sealed partial class SiloHostLifetime
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Silo {Name} ({Address}) of cluster {ClusterId} is active: silo port {SiloPort}, gateway port {GatewayPort}; clustering: {Clustering}; TLS: {Tls}")]
    private static partial void LogStarted(ILogger logger, string name, SiloAddress address, string clusterId, int siloPort, int gatewayPort, string clustering, string tls);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "HTTP endpoints listen on {Addresses} (/healthz, /readyz, /metrics; dashboard: {Dashboard}; Orleans dashboard: {OrleansDashboard}; bearer token: {HasToken})")]
    private static partial void LogHttp(ILogger logger, string addresses, bool dashboard, bool orleansDashboard, bool hasToken);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Stopping: /readyz now answers 503; the silo hands over its grains and leaves the cluster")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Silo {Name} stopped")]
    private static partial void LogStopped(ILogger logger, string name);
}
