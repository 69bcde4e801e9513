using System.Diagnostics;

namespace OrleansCache.FaultInjection.History;

/// <summary>The one monotonic clock every record of a run is stamped with: time since the run started.</summary>
internal sealed class RunClock
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <summary>Local wall-clock time at the run's start, to place silo log lines (stamped HH:mm:ss.fff) on this clock.</summary>
    public DateTime StartedAt { get; } = DateTime.Now;

    public TimeSpan Now => Stopwatch.GetElapsedTime(_origin);

    /// <summary>A log time of day (HH:mm:ss.fff, local, same day as the start or the next) on this clock.</summary>
    public TimeSpan FromTimeOfDay(TimeSpan timeOfDay)
    {
        var at = StartedAt.Date + timeOfDay;
        return (at < StartedAt.AddHours(-1) ? at.AddDays(1) : at) - StartedAt;
    }
}
