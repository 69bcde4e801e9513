using System.Diagnostics;

namespace OrleansCache.TestSupport.Staleness;

/// <summary>
/// Watches for stretches in which this process could not run its work: a dedicated thread wakes every millisecond and
/// queues a work item to the thread pool; a wake-up, or a work item's start, at least <see cref="MinimumPause"/> late is
/// a pause. On a loaded 2-core machine the process's threads wait for a CPU together, and its thread pool (which the
/// in-process silos, the clients' invalidation handling and the workload's readers share) can fall hundreds of
/// milliseconds behind; a read that runs first when it catches up may find its invalidation still queued, though the
/// cache had no chance to run, and every hop of an invalidation (silo, gateway, client) waits in that queue again.
/// Shorter delays are not recorded, so they count against the cache.
/// </summary>
public sealed class ProcessPauseMonitor : IDisposable
{
    /// <summary>Late wake-ups and work items later than this are pauses.</summary>
    public static readonly TimeSpan MinimumPause = TimeSpan.FromMilliseconds(2);

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

    /// <summary>The pauses seen until <see cref="Dispose"/>, in order, none overlapping; read after disposing.</summary>
    public IReadOnlyList<ProcessPause> Pauses => _pauses;

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }

    private void Watch()
    {
        using var ran = new ManualResetEventSlim();
        var ranAt = TimeSpan.Zero;
        while (!_stopping)
        {
            var before = _clock.Elapsed;
            Thread.Sleep(Tick);
            var posted = _clock.Elapsed;
            Record(before + Tick, posted);

            ran.Reset();
            ThreadPool.UnsafeQueueUserWorkItem(
                _ =>
                {
                    ranAt = _clock.Elapsed;
                    ran.Set();
                },
                null);
            ran.Wait();
            Record(posted, ranAt);
        }
    }

    private void Record(TimeSpan due, TimeSpan happened)
    {
        if (happened - due >= MinimumPause)
        {
            _pauses.Add(new ProcessPause(due, happened));
        }
    }
}
