using System.Diagnostics;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>Warm-up, then timed samples, timed throughput, or a tight loop.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="operation"/> once per index, in order, and returns the latencies of all but the warm-up.</summary>
    public static async Task<LatencySummary> LatencyAsync(Func<int, Task> operation, int warmup, int samples)
    {
        for (var i = 0; i < warmup; i++)
        {
            await operation(i);
        }

        var recorder = new LatencyRecorder();
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await operation(warmup + i);
            recorder.Record(start, Stopwatch.GetTimestamp());
        }

        return recorder.Summary();
    }

    /// <summary>Keeps <paramref name="inFlight"/> calls running for <paramref name="duration"/>: completed calls per second and what each cost this process.</summary>
    public static Task<Throughput> ThroughputAsync(Func<Task> operation, int inFlight, TimeSpan duration) =>
        ThroughputAsync(() => new ValueTask(operation()), inFlight, duration);

    /// <summary>The same for a call that returns a <see cref="ValueTask{TResult}"/>, awaited as it is (no task allocated for it).</summary>
    public static Task<Throughput> ThroughputAsync<T>(Func<ValueTask<T>> operation, int inFlight, TimeSpan duration) =>
        ThroughputAsync(() => Completion(operation()), inFlight, duration);

    /// <summary>The same for a call that returns a <see cref="ValueTask"/> (FusionCache's), awaited as it is: no async wrapper around it.</summary>
    public static async Task<Throughput> ThroughputAsync(Func<ValueTask> operation, int inFlight, TimeSpan duration)
    {
        // A short warm-up so the timed window does not include the first calls' compilation.
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ => await operation()));
        var stop = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long completed = 0;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var workItems = ThreadPool.CompletedWorkItemCount;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < stop)
            {
                await operation();
                Interlocked.Increment(ref completed);
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new Throughput(
            completed / seconds,
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)completed,
            (ThreadPool.CompletedWorkItemCount - workItems) / (double)completed);
    }

    /// <summary>Awaits a result-bearing call as a plain one; the pooling builder reuses its box, so a call allocates nothing here.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask Completion<T>(ValueTask<T> call) => await call;

    /// <summary>
    /// Nanoseconds per call of a tight synchronous loop over <paramref name="threads"/> threads of its own, each running
    /// it for about <paramref name="duration"/> (an iteration count fixed by a timed warm-up, so the loop never reads the
    /// clock). Not thread-pool threads: a loop that holds the pool's few threads for seconds starves the client's own work
    /// on the pool, its feeds' heartbeats among it, and a near-cache whose feed falls silent for its
    /// <c>FeedSilenceTimeout</c> rightly stops serving (the loop then throws: "went remote").
    /// </summary>
    public static double NanosecondsPerCall(Action<int, int> loop, TimeSpan duration, int minimumIterations, int threads)
    {
        // Warm-up and JIT, timed: how many iterations fill the duration (at least one pass over every key).
        const int Calibration = 100_000;
        var calibrating = Stopwatch.GetTimestamp();
        loop(0, Calibration);
        var perIteration = Stopwatch.GetElapsedTime(calibrating).TotalNanoseconds / Calibration;
        var iterationsPerThread = (int)Math.Clamp(duration.TotalNanoseconds / Math.Max(perIteration, 0.1), minimumIterations, int.MaxValue);
        using var ready = new Barrier(threads + 1);
        var failures = new Exception?[threads];
        var workers = Enumerable.Range(0, threads).Select(thread => new Thread(() =>
        {
            ready.SignalAndWait();
            try
            {
                loop(thread, iterationsPerThread);
            }
            catch (Exception ex)
            {
                failures[thread] = ex;
            }
        }) { IsBackground = true, Name = $"P1 loop {thread}" }).ToList();
        workers.ForEach(w => w.Start());
        ready.SignalAndWait();
        var start = Stopwatch.GetTimestamp();
        workers.ForEach(w => w.Join());
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (failures.OfType<Exception>().ToList() is { Count: > 0 } failed)
        {
            throw new AggregateException(failed);
        }

        return elapsed.TotalNanoseconds / iterationsPerThread;
    }

    /// <summary>Bytes this thread allocates per call of a synchronous loop (after a warm-up).</summary>
    public static double BytesPerCall(Action<int, int> loop, int iterations)
    {
        loop(0, Math.Min(iterations, 10_000));
        var before = GC.GetAllocatedBytesForCurrentThread();
        loop(0, iterations);
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)iterations;
    }

    /// <summary>
    /// Collects garbage left by a pair's set-up (clients started, grains activated, keys made), so that the first
    /// collection of a timed phase does not promote it into the phase's latencies. Called before every side's timed
    /// phase alike.
    /// </summary>
    public static void SettleHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>
    /// Starts operation i at start + i / rate from a dedicated thread, without waiting for earlier ones (a fixed rate, like
    /// real writers). The thread sleeps about a millisecond between checks, so operations due in the same millisecond
    /// start together, for us and for every peer alike; the thread does not spin on the two cores the silos need.
    /// </summary>
    public static Task PacedAsync(int count, double rate, Func<int, Task> operation)
    {
        // Completed operations are counted, not kept: holding every write's task until the end would make each
        // collection during the phase promote them all, and the pauses would be the harness's, not the path's.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = count + 1; // + 1 for the pacing thread itself, released once it has started every operation
        Exception? firstError = null;
        void Completed(Task task)
        {
            if (task.Exception is { } error)
            {
                Interlocked.CompareExchange(ref firstError, error.InnerException ?? error, null);
            }

            if (Interlocked.Decrement(ref pending) == 0)
            {
                if (firstError is { } failure)
                {
                    done.SetException(failure);
                }
                else
                {
                    done.SetResult();
                }
            }
        }

        var thread = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                var due = start + (long)(i * Stopwatch.Frequency / rate);
                while (Stopwatch.GetTimestamp() < due)
                {
                    Thread.Sleep(1);
                }

                Task started;
                try
                {
                    started = operation(i);
                }
                catch (Exception ex)
                {
                    started = Task.FromException(ex);
                }

                started.ContinueWith(Completed, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            Completed(Task.CompletedTask);
        })
        { IsBackground = true, Name = "paced writer" };
        thread.Start();
        return done.Task;
    }

    /// <summary>Runs <paramref name="count"/> operations with <paramref name="inFlight"/> in flight, as fast as they complete.</summary>
    public static async Task InFlightAsync(int count, int inFlight, Func<int, Task> operation)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await operation(i);
            }
        }));
    }
}
