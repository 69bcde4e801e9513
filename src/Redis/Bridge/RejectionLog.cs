using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansCache.Redis.Bridge.Parsing;
using OrleansCache.Redis.Diagnostics;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// Counts and logs refused bridge messages without letting a misbehaving publisher flood the log: per path and reason,
/// at most one line per <see cref="RedisBridgeOptions.RejectionLogInterval"/>, saying how many were refused since.
/// </summary>
internal sealed partial class RejectionLog(BridgeSettings settings, RedisMetrics metrics, TimeProvider time, ILogger<RejectionLog> logger)
{
    private readonly ConcurrentDictionary<(string Path, BridgeRejectionReason Reason), Window> _windows = new();
    private readonly TimeSpan _interval = settings.Options.RejectionLogInterval;

    /// <param name="path">canonical, typed, keyspace or stream.</param>
    /// <param name="channel">Where the message came from: untrusted, bounded before it is logged.</param>
    /// <param name="rejection">Why it was refused; its detail is bounded by the parsers.</param>
    public void Rejected(string path, string channel, BridgeRejection rejection)
    {
        metrics.Rejected(path, rejection.Reason.ToString());
        var window = _windows.GetOrAdd((path, rejection.Reason), static _ => new Window());
        long suppressed;
        lock (window)
        {
            window.Count++;
            var now = time.GetTimestamp();
            if (window.LastLogged != 0 && time.GetElapsedTime(window.LastLogged, now) < _interval)
            {
                return;
            }

            suppressed = window.Count - 1;
            window.Count = 0;
            window.LastLogged = now;
        }

        LogRejected(logger, path, UntrustedText.ForLog(channel), rejection.Reason, UntrustedText.ForLog(rejection.Detail), suppressed);
    }

    private sealed class Window
    {
        public long Count { get; set; }

        public long LastLogged { get; set; }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Rejected a {Path} bridge message on {Channel}: {Reason}: {Detail} ({Suppressed} more rejected for this reason since the last report)")]
    private static partial void LogRejected(ILogger logger, string path, string channel, BridgeRejectionReason reason, string detail, long suppressed);
}
