using System.Diagnostics;

namespace OrleansCache.TestSupport.Staleness;

/// <summary>
/// A dedicated thread that wakes every millisecond and records each wake-up at least <see cref="MinimumPause"/> late as
/// a pause. On a loaded machine (or in a blocking garbage collection) the process's threads wait for a CPU together: a
/// read that begins after such a pause may find its invalidation still waiting to be processed, though the cache had
/// no chance to run. Shorter hiccups are not recorded, so they count against the cache.
/// </summary>
public sealed class ProcessPauseMonitor : IDisposable
{
    /// <summary>Late wake-ups shorter than this are not pauses.</summary>
    public static readonly TimeSpan MinimumPause = TimeSpan.FromMilliseconds(10);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private readonly Stopwatch _clock;
    private readonly List<ProcessPause> _pauses = [];
    private readonly Thread _thread;
    private volatile bool _stopping;

    public ProcessPauseMonitor(Stopwatch clock)
    {
        _clock = clock;
        _thread = new Thread(Watch) { IsBackground = true, Name = "pause monitor" };
        _thread.Start();
    }

    /// <summary>The pauses seen until <see cref="Dispose"/>; read after disposing.</summary>
    public IReadOnlyList<ProcessPause> Pauses => _pauses;

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }

    private void Watch()
    {
        while (!_stopping)
        {
            var before = _clock.Elapsed;
            Thread.Sleep(Tick);
            var after = _clock.Elapsed;
            if (after - before - Tick >= MinimumPause)
            {
                _pauses.Add(new ProcessPause(before + Tick, after));
            }
        }
    }
}
