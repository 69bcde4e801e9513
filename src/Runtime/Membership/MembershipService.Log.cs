using Microsoft.Extensions.Logging;
using OrleansCache.Core.Membership;

namespace OrleansCache.Runtime.Membership;

internal sealed partial class MembershipService
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Silo {Silo} joined cluster {ClusterId}")]
    private static partial void LogJoined(ILogger logger, SiloAddress silo, string clusterId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Silo {Silo} is now {Status}")]
    private static partial void LogStatusChanged(ILogger logger, SiloAddress silo, SiloStatus status);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Declared silo {Silo} dead: {Reason}")]
    private static partial void LogSiloDeclaredDead(ILogger logger, SiloAddress silo, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Silo {Silo} sees membership version {Version} with {ActiveSilos} active silos")]
    private static partial void LogViewChanged(ILogger logger, SiloAddress silo, long version, int activeSilos);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Membership probe failed; retrying on the next tick")]
    private static partial void LogProbeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Critical, Message = "Silo {Silo} was declared dead by the cluster; stopping")]
    private static partial void LogSelfDeclaredDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Error, Message = "A membership view-change handler failed")]
    private static partial void LogViewHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "Silo {Silo} has no row in the membership table (its storage lost data?); registering again")]
    private static partial void LogRowMissing(ILogger logger, SiloAddress silo);
}
