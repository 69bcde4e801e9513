using System.Diagnostics;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Pairs;
using OrleansCache.TestSupport.Redis;

namespace OrleansCache.Benchmarks;

/// <summary>Every pair of measurements, each against its peers in the same run, on its own redis-server and silos.</summary>
internal sealed class BenchmarkRun(BenchmarkSettings settings, TextWriter log)
{
    private readonly List<string> _failures = [];

    public async Task<ResultTable> RunAsync(CancellationToken cancellationToken = default)
    {
        var table = new ResultTable();

        // Cache entries are weighed first, on a quiet heap: before Redis connections, silos and clients exist.
        var memory = new MemoryBenchmarks(settings, log);
        if (settings.Includes("P7"))
        {
            memory.CacheEntries(table);
        }

        // BenchmarkDotNet's hit run, in a process of its own, before this run's Redis and silos exist.
        if (settings.Includes("P1") && settings.HitBenchmarkJob is not null)
        {
            await TimedAsync("P1 (BenchmarkDotNet)", () => new BenchmarkDotNetHits(settings, log).RunAsync(table, cancellationToken));
        }

        await using var redis = await RedisServerProcess.StartAsync();
        log.WriteLine($"redis-server pid {redis.ProcessId} on {redis.ConnectionString}");
        await using IBenchCluster cluster = settings.Processes
            ? await ProcessCluster.StartAsync(settings.Silos)
            : await InProcessCluster.StartAsync(settings.Silos, cancellationToken);
        log.WriteLine($"{settings.Silos} silo{(settings.Silos > 1 ? "s" : "")}: {string.Join(", ", cluster.Silos.Select(s => s.Gateway))}");

        if (settings.Includes("P1"))
        {
            await TimedAsync("P1", () => new HitBenchmarks(settings, log, cluster).RunAsync(table, cancellationToken));
        }

        var reads = new ReadBenchmarks(settings, log, cluster, redis.ConnectionString);
        if (settings.Includes("P2"))
        {
            await TimedAsync("P2", () => reads.MissesAsync(table, cancellationToken));
        }

        if (settings.Includes("P3"))
        {
            await TimedAsync("P3", () => reads.ThroughputAsync(table, cancellationToken));
        }

        var invalidations = new InvalidationBenchmarks(settings, log, cluster, redis.ConnectionString, redis.ProcessId);
        if (settings.Includes("P4"))
        {
            await TimedAsync("P4", () => invalidations.LatencyAtFixedRateAsync(table, cancellationToken));
        }

        if (settings.Includes("P5"))
        {
            await TimedAsync("P5", () => invalidations.ThroughputAsync(table, cancellationToken));
        }

        if (settings.Includes("P6"))
        {
            await TimedAsync("P6", () => reads.GatewayAsync(table, cancellationToken));
        }

        if (settings.Includes("P7"))
        {
            await TimedAsync("P7", () => memory.ActivationsAsync(table, cancellationToken));
        }

        if (settings.Includes("P8"))
        {
            await TimedAsync("P8", () => new StampedeBenchmarks(settings, log, cluster, redis.ConnectionString).RunAsync(table, cancellationToken));
        }

        if (settings.Includes("P9"))
        {
            await TimedAsync("P9", () => new StalenessBenchmarks(settings, log, cluster, redis.ConnectionString).RunAsync(table, cancellationToken));
        }

        if (settings.Includes("P10"))
        {
            await TimedAsync("P10", () => new WriteAckBenchmarks(settings, log, cluster, redis.ConnectionString).RunAsync(table, cancellationToken));
        }

        // Last: it reads P4's rows, and leaves the cluster holding its largest size.
        if (settings.Includes("P11"))
        {
            await TimedAsync("P11", () => new GrowthBenchmarks(settings, log, cluster).RunAsync(table, cancellationToken));
        }

        return table;
    }

    /// <summary>The pairs that failed, each with its error; their rows are missing from the table.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>
    /// Runs one pair and logs how long it took, so the run's time can be read pair by pair. A pair that fails is logged
    /// and named in <see cref="Failures"/>, and the run goes on: a full run takes most of an hour, and one pair's failure
    /// must not lose the others' rows.
    /// </summary>
    private async Task TimedAsync(string pair, Func<Task> run)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await run();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _failures.Add($"{pair}: {ex.GetType().Name}: {ex.Message}");
            log.WriteLine($"{pair} failed: {ex}");
        }

        log.WriteLine($"{pair}: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }
}
