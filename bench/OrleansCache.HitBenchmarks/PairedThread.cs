namespace OrleansCache.HitBenchmarks;

/// <summary>
/// A second thread that runs a loop at the same time as the calling thread, for "2 threads" benchmarks: BenchmarkDotNet
/// measures one thread's invocation, and each invocation here runs one loop on each thread and returns when both are done.
/// </summary>
/// <remarks>
/// A dedicated thread rather than the thread pool, so that a pool thread's availability is not measured; it blocks between
/// invocations, which costs microseconds against loops of milliseconds (<see cref="NearCacheHitBenchmarks.LookupsPerThread"/>).
/// </remarks>
internal sealed class PairedThread : IDisposable
{
    private readonly Thread _thread;
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private Action<int>? _work;
    private Exception? _failure;
    private volatile bool _stopping;

    public PairedThread()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "paired benchmark thread" };
        _thread.Start();
    }

    /// <summary>Runs <c>loop(0)</c> on this thread and <c>loop(1)</c> on the paired one, at once (no allocation).</summary>
    public void Run(Action<int> loop)
    {
        _work = loop;
        _start.Release();
        try
        {
            loop(0);
        }
        finally
        {
            _done.Wait();
        }

        if (Interlocked.Exchange(ref _failure, null) is { } failure)
        {
            throw new InvalidOperationException("The paired thread's loop failed.", failure);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _start.Release();
        _thread.Join();
        _start.Dispose();
        _done.Dispose();
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            if (_stopping)
            {
                return;
            }

            try
            {
                _work!(1);
            }
            catch (Exception ex)
            {
                _failure = ex;
            }
            finally
            {
                _done.Release();
            }
        }
    }
}
