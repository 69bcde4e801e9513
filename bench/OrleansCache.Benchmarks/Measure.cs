using System.Diagnostics;

namespace OrleansCache.Benchmarks;

/// <summary>A plain Stopwatch harness: warm-up, then timed samples or timed throughput.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="operation"/> sequentially and returns per-call latencies in microseconds, sorted.</summary>
    public static async Task<Latencies> LatencyAsync(Func<Task> operation, int warmup, int samples)
    {
        for (var i = 0; i < warmup; i++)
        {
            await operation();
        }

        var values = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await operation();
            values[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(values);
        return new Latencies(values);
    }

    /// <summary>Keeps <paramref name="inFlight"/> calls running for <paramref name="duration"/>; returns completed calls per second.</summary>
    public static async Task<double> ThroughputAsync(Func<Task> operation, int inFlight, TimeSpan duration) =>
        (await ProfiledThroughputAsync(operation, inFlight, duration)).PerSecond;

    /// <summary>As <see cref="ThroughputAsync"/>, and also what each call cost the process.</summary>
    public static async Task<(double PerSecond, double BytesPerCall, double WorkItemsPerCall)> ProfiledThroughputAsync(Func<Task> operation, int inFlight, TimeSpan duration)
    {
        var stop = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long completed = 0;
        var resources = ResourceUse.Now();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < stop)
            {
                await operation();
                Interlocked.Increment(ref completed);
            }
        }));
        var perSecond = completed / Stopwatch.GetElapsedTime(started).TotalSeconds;
        var used = ResourceUse.Now().Since(resources);
        return (perSecond, used.AllocatedBytes / (double)completed, used.WorkItems / (double)completed);
    }

    /// <summary>Nanoseconds per call of a tight synchronous loop over <paramref name="threads"/> threads.</summary>
    public static double NanosecondsPerCall(Action<int, int> loop, int iterationsPerThread, int threads)
    {
        loop(0, Math.Min(iterationsPerThread, 100_000)); // warm-up and JIT
        var start = Stopwatch.GetTimestamp();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread => loop(thread, iterationsPerThread));
        var elapsed = Stopwatch.GetElapsedTime(start);
        return elapsed.TotalNanoseconds / iterationsPerThread;
    }
}

/// <summary>Sorted latency samples in microseconds.</summary>
internal sealed record Latencies(double[] Sorted)
{
    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double Max => Sorted[^1];

    public double Percentile(double p) => Sorted[Math.Clamp((int)Math.Ceiling(p * Sorted.Length) - 1, 0, Sorted.Length - 1)];
}
