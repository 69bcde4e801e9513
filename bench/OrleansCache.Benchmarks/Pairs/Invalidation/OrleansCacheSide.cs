using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Benchmarks.Pairs.Invalidation;

/// <summary>
/// Ours: one writing client and N receiving clients subscribed in broadcast mode to the side's prefix, the way a Redis
/// subscriber listens to a channel. A message is a write (P4) or an invalidation (P5) of a key whose grain is already
/// active; it arrives when a client raises <see cref="IOrleansCache.Invalidated"/> for it.
/// </summary>
internal sealed class OrleansCacheSide : IInvalidationSide
{
    private static readonly byte[] Value = new byte[100];

    private readonly IBenchCluster _cluster;
    private readonly string _prefix;
    private readonly List<BenchClient> _receivers;
    private readonly BenchClient _writer;
    private readonly TextWriter _log;

    private OrleansCacheSide(IBenchCluster cluster, string prefix, List<BenchClient> receivers, BenchClient writer, TextWriter log)
    {
        _cluster = cluster;
        _prefix = prefix;
        _receivers = receivers;
        _writer = writer;
        _log = log;
    }

    public static async Task<OrleansCacheSide> StartAsync(IBenchCluster cluster, int receivers, string prefix, TextWriter log, CancellationToken cancellationToken)
    {
        var clients = await BroadcastClientsAsync(cluster, receivers, prefix, cancellationToken);
        try
        {
            var writer = await BenchClient.StartAsync(cluster, cancellationToken: cancellationToken);
            return new OrleansCacheSide(cluster, prefix, clients, writer, log);
        }
        catch
        {
            await DisposeAllAsync(clients);
            throw;
        }
    }

    public async Task<SideRun> AtRateAsync(string repeat, int messages, double rate, CancellationToken cancellationToken)
    {
        var prefix = $"{_prefix}{repeat}:";
        var keys = await ActivatedKeysAsync(prefix, messages, cancellationToken);
        var tracker = new DeliveryTracker(messages, _receivers.Count, warmup: messages / 10);
        using var listening = tracker.Listen(_receivers.Select(r => r.Cache), prefix);
        var acknowledged = new LatencyRecorder();
        using var lag = new FeedLagListener();
        var meter = PhaseMeter.Start(_cluster.ProcessIds);
        await Measure.PacedAsync(messages, rate, async i =>
        {
            tracker.Started(i);
            await _writer.Cache.SetAsync(keys[i], Value, cancellationToken: cancellationToken);
            if (tracker.Measured(i))
            {
                acknowledged.Record(tracker.StartOf(i), Stopwatch.GetTimestamp());
            }
        });
        var missing = await tracker.WaitAsync(DeliveryTracker.PatientTimeout);
        var cost = meter.Stop();
        var reasons = string.Join(", ", lag.Resyncs.Select(r => $"{r.Key} {r.Value}"));
        if (reasons.Length > 0 || missing > 0)
        {
            _log.WriteLine($"  ours: {missing} arrivals missing; resyncs started: {(reasons.Length > 0 ? reasons : "none")}");
        }

        return new SideRun(tracker.Latencies.Summary(), cost)
        {
            Acknowledged = acknowledged.Summary(),
            FeedToClient = lag.Lags.Summary(),
            Missing = missing,
            Resyncs = Math.Max(tracker.Resyncs, (int)lag.Resyncs.Values.Sum()),
        };
    }

    public async Task<SideThroughput> ThroughputAsync(string repeat, int messages, CancellationToken cancellationToken)
    {
        var prefix = $"{_prefix}{repeat}:";
        var keys = await ActivatedKeysAsync(prefix, messages, cancellationToken);
        var tracker = new DeliveryTracker(messages, _receivers.Count, warmup: 0);
        using var listening = tracker.Listen(_receivers.Select(r => r.Cache), prefix);
        var start = Stopwatch.GetTimestamp();
        await Measure.InFlightAsync(messages, 64, i => _writer.Cache.InvalidateAsync(keys[i], cancellationToken));
        var missing = await tracker.WaitAsync(DeliveryTracker.PatientTimeout);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new SideThroughput(messages / seconds, missing, tracker.Resyncs);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await DisposeAllAsync(_receivers);
    }

    /// <summary>
    /// The keys <c>{prefix}0</c>.. with their grains activated, so that timed writes measure a write to a live entry,
    /// not an activation.
    /// </summary>
    private async Task<string[]> ActivatedKeysAsync(string prefix, int count, CancellationToken cancellationToken)
    {
        var keys = Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (k, _) =>
            await _writer.Client.GetGrain<ICacheEntryGrain>(k).GetVersionAsync(Guid.Empty));
        return keys;
    }

    private static async Task<List<BenchClient>> BroadcastClientsAsync(IBenchCluster cluster, int count, string prefix, CancellationToken cancellationToken)
    {
        var clients = await BenchClient.StartManyAsync(cluster, count, o => o.BroadcastPrefixes.Add(prefix), cancellationToken);

        // A broadcast subscription takes effect shortly after connecting, without an acknowledgement
        // (docs/consistency.md): probe until every client hears an invalidation under the prefix.
        var heard = new ConcurrentDictionary<IOrleansCache, bool>();
        void OnProbe(object? sender, CacheInvalidatedEventArgs e)
        {
            if (e.Target == prefix + "probe")
            {
                heard[(IOrleansCache)sender!] = true;
            }
        }

        foreach (var client in clients)
        {
            client.Cache.Invalidated += OnProbe;
        }

        try
        {
            var deadline = Stopwatch.GetTimestamp() + (120 * Stopwatch.Frequency);
            while (heard.Count < count)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"Only {heard.Count} of {count} clients heard the subscription probe.");
                }

                await clients[0].Cache.InvalidateAsync(prefix + "probe", cancellationToken);
                await Task.Delay(20, cancellationToken);
            }
        }
        catch
        {
            await DisposeAllAsync(clients);
            throw;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Cache.Invalidated -= OnProbe;
            }
        }

        return clients;
    }

    private static async Task DisposeAllAsync(List<BenchClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
