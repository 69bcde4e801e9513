using System.Diagnostics;

namespace OrleansCache.FaultInjection.History;

/// <summary>The one monotonic clock every record of a run is stamped with: time since the run started.</summary>
internal sealed class RunClock
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    public TimeSpan Now => Stopwatch.GetElapsedTime(_origin);
}
