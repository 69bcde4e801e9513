using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Pairs;
using OrleansCache.TestSupport.Redis;

namespace OrleansCache.Benchmarks;

/// <summary>Every pair of measurements, each against its peers in the same run, on its own redis-server and silos.</summary>
internal sealed class BenchmarkRun(BenchmarkSettings settings, TextWriter log)
{
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
            await new BenchmarkDotNetHits(settings, log).RunAsync(table, cancellationToken);
        }

        await using var redis = await RedisServerProcess.StartAsync();
        log.WriteLine($"redis-server pid {redis.ProcessId} on {redis.ConnectionString}");
        await using IBenchCluster cluster = settings.Processes
            ? await ProcessCluster.StartAsync(silos: 3)
            : await InProcessCluster.StartAsync(silos: 3, cancellationToken);
        log.WriteLine($"3 silos: {string.Join(", ", cluster.Silos.Select(s => s.Gateway))}");

        if (settings.Includes("P1"))
        {
            await new HitBenchmarks(settings, log, cluster).RunAsync(table, cancellationToken);
        }

        var reads = new ReadBenchmarks(settings, log, cluster, redis.ConnectionString);
        if (settings.Includes("P2"))
        {
            await reads.MissesAsync(table, cancellationToken);
        }

        if (settings.Includes("P3"))
        {
            await reads.ThroughputAsync(table, cancellationToken);
        }

        var invalidations = new InvalidationBenchmarks(settings, log, cluster, redis.ConnectionString, redis.ProcessId);
        if (settings.Includes("P4"))
        {
            await invalidations.LatencyAtFixedRateAsync(table, cancellationToken);
        }

        if (settings.Includes("P5"))
        {
            await invalidations.ThroughputAsync(table, cancellationToken);
        }

        if (settings.Includes("P6"))
        {
            await reads.GatewayAsync(table, cancellationToken);
        }

        if (settings.Includes("P7"))
        {
            await memory.ActivationsAsync(table, cancellationToken);
        }

        if (settings.Includes("P8"))
        {
            await new StampedeBenchmarks(settings, log, cluster, redis.ConnectionString).RunAsync(table, cancellationToken);
        }

        if (settings.Includes("P9"))
        {
            await new StalenessBenchmarks(settings, log, cluster, redis.ConnectionString).RunAsync(table, cancellationToken);
        }

        if (settings.Includes("P10"))
        {
            await new WriteAckBenchmarks(settings, log, cluster, redis.ConnectionString).RunAsync(table, cancellationToken);
        }

        // Last: it reads P4's rows, and leaves the cluster holding its largest size.
        if (settings.Includes("P11"))
        {
            await new GrowthBenchmarks(settings, log, cluster).RunAsync(table, cancellationToken);
        }

        return table;
    }
}
