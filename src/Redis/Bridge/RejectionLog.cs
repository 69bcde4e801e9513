using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// Logs rejected bridge messages without letting a misbehaving publisher flood the log: per path and reason, at most one
/// line per interval, saying how many were rejected since the last line.
/// </summary>
internal sealed partial class RejectionLog(ILogger logger, TimeProvider time, TimeSpan interval)
{
    private readonly ConcurrentDictionary<(string Path, BridgeRejectionReason Reason), Window> _windows = new();

    public void Rejected(string path, string channel, BridgeRejection rejection)
    {
        var window = _windows.GetOrAdd((path, rejection.Reason), _ => new Window());
        long suppressed;
        lock (window)
        {
            window.Count++;
            var now = time.GetTimestamp();
            if (window.LastLogged != 0 && time.GetElapsedTime(window.LastLogged, now) < interval)
            {
                return;
            }

            suppressed = window.Count - 1;
            window.Count = 0;
            window.LastLogged = now;
        }

        LogRejected(logger, path, channel, rejection.Reason, rejection.Detail, suppressed);
    }

    private sealed class Window
    {
        public long Count { get; set; }

        public long LastLogged { get; set; }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Rejected a {Path} bridge message on {Channel}: {Reason}: {Detail} ({Suppressed} more rejected for this reason since the last report)")]
    private static partial void LogRejected(ILogger logger, string path, string channel, BridgeRejectionReason reason, string detail, long suppressed);
}
