using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Peers;
using OrleansCache.TestSupport.Peers;
using OrleansCache.TestSupport.Staleness;

namespace OrleansCache.Benchmarks.Pairs;

/// <summary>
/// P9: staleness under load. Three application instances, each with writers and readers on a small hot key set
/// (<see cref="StalenessWorkload"/>, the same workload the test <c>StalenessUnderLoadTests</c> checks), every read
/// judged against the writes acknowledged before it began (<see cref="StalenessChecker"/>). Ours: three cache clients;
/// peers: three FusionCache instances (L1, Redis L2, backplane) and three HybridCache instances (memory L1, Redis L2, no
/// cross-instance invalidation), on the run's redis-server.
/// </summary>
internal sealed class StalenessBenchmarks(BenchmarkSettings settings, TextWriter log, IBenchCluster cluster, string redisConnection)
{
    private const int Instances = 3;
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan[] Thresholds = [TimeSpan.FromMilliseconds(10), Target, TimeSpan.FromSeconds(1)];

    public async Task RunAsync(ResultTable table, CancellationToken cancellationToken)
    {
        var options = new StalenessWorkloadOptions { Duration = settings.StalenessDuration };
        log.WriteLine($"P9: {Instances} instances × ({options.WritersPerInstance} writers + {options.ReadersPerInstance} readers), {options.Keys} keys, {options.Duration.TotalSeconds:0.#} s");
        var clients = await BenchClient.StartManyAsync(cluster, Instances, cancellationToken: cancellationToken);
        try
        {
            List<StalenessReport> ours = [], fusion = [], hybrid = [];
            for (var repeat = 0; repeat < settings.Repeats; repeat++)
            {
                var tag = repeat.ToString(CultureInfo.InvariantCulture);
                ours.Add(await CheckAsync([.. clients.Select(c => new OrleansCacheVersionedCache(c.Cache))], options, $"p9:{tag}:", cancellationToken));
                fusion.Add(await FusionAsync(options, $"p9f{tag}", cancellationToken));
                hybrid.Add(await HybridAsync(options, $"p9h{tag}:", cancellationToken));
                log.WriteLine($"  repeat {repeat}: ours {ours[^1]}");
                log.WriteLine($"    FusionCache {fusion[^1].ToString().Split(Environment.NewLine)[0]}");
                log.WriteLine($"    HybridCache {hybrid[^1].ToString().Split(Environment.NewLine)[0]}; load {MachineLoad.OneMinute():0.0}");
            }

            var workload = $"{Instances} instances × ({options.WritersPerInstance} writers + {options.ReadersPerInstance} readers), {options.Duration.TotalSeconds:0.#} s";
            var impossible = ours.Sum(r => r.Impossible);
            var notes = impossible > 0 ? $" ({impossible} reads of versions nobody wrote)" : "";
            foreach (var (peer, name) in new[] { (fusion, "FusionCache + backplane"), (hybrid, "HybridCache, no invalidation") })
            {
                foreach (var threshold in Thresholds)
                {
                    var what = $"{workload}: reads older than a write acknowledged {Describe(threshold)} before (all {settings.Repeats} repeats){notes}";
                    var count = ours.Sum(r => r.Count(threshold));
                    var peerCount = peer.Sum(r => r.Count(threshold));
                    if (threshold == Target)
                    {
                        // The target is met by the raw count; the count net of this process's pauses says how much of a miss the machine's load explains.
                        what += $" (ours net of this process's pauses: {ours.Sum(r => r.CountNetOfPauses(threshold))})";
                        table.AddAbsolute("P9", what, count, peerCount, "reads", name, "0", count == 0 && impossible == 0);
                    }
                    else
                    {
                        table.Add("P9", what, count, peerCount, "reads", name);
                    }
                }

                table.Add("P9", $"{workload}: largest staleness (any repeat)", ours.Max(r => r.MaxStaleness.TotalMilliseconds), peer.Max(r => r.MaxStaleness.TotalMilliseconds), "ms", name);
                table.Add("P9", $"{workload}: reads/s checked", LatencySummary.Median(ours.Select(ReadsPerSecond)), LatencySummary.Median(peer.Select(ReadsPerSecond)), "ops/s", name);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        double ReadsPerSecond(StalenessReport report) => report.Reads / settings.StalenessDuration.TotalSeconds;
    }

    private async Task<StalenessReport> FusionAsync(StalenessWorkloadOptions options, string name, CancellationToken cancellationToken)
    {
        var nodes = FusionCacheNode.ManyWithRedis(redisConnection, name, Instances);
        try
        {
            // Every instance writes and reads, so each must be subscribed before the run: node 0 hears node 1, the rest node 0.
            await FusionBackplaneProbe.WaitUntilHeardAsync(nodes[0], nodes[1..], cancellationToken);
            await FusionBackplaneProbe.WaitUntilHeardAsync(nodes[1], [nodes[0]], cancellationToken);
            return await CheckAsync([.. nodes.Select(n => new FusionCacheVersionedCache(n.Cache))], options, name + ":", cancellationToken);
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }
    }

    private async Task<StalenessReport> HybridAsync(StalenessWorkloadOptions options, string prefix, CancellationToken cancellationToken)
    {
        var nodes = Enumerable.Range(0, Instances).Select(_ => HybridCacheNode.Create(redisConnection)).ToList();
        try
        {
            return await CheckAsync([.. nodes.Select(n => new HybridCacheVersionedCache(n.Cache))], options, prefix, cancellationToken);
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }
    }

    private static async Task<StalenessReport> CheckAsync(IReadOnlyList<IVersionedCache> instances, StalenessWorkloadOptions options, string prefix, CancellationToken cancellationToken) =>
        StalenessChecker.Check(await StalenessWorkload.RunAsync(instances, options, prefix, cancellationToken), Thresholds);

    private static string Describe(TimeSpan threshold) =>
        threshold >= TimeSpan.FromSeconds(1) ? $"{threshold.TotalSeconds:0.#} s" : $"{threshold.TotalMilliseconds:0} ms";
}
