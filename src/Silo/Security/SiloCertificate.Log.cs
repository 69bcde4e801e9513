using Microsoft.Extensions.Logging;

namespace OrleansCache.Silo.Security;

/// <summary>The log events of <see cref="SiloCertificate"/> (stable event ids).</summary>
internal sealed partial class SiloCertificate
{
    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "TLS certificate loaded from {Path}: {Certificate}")]
    private static partial void LogLoaded(ILogger logger, string path, string certificate);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Information, Message = "TLS certificate reloaded from {Path}: {Certificate}; new connections use it")]
    private static partial void LogReloaded(ILogger logger, string path, string certificate);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Warning, Message = "TLS certificate {Path} changed but cannot be loaded ({Reason}); the current certificate stays in use and the file is tried again")]
    private static partial void LogReloadFailed(ILogger logger, string path, string reason);
}
