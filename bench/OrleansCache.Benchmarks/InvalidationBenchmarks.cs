using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansCache.Client;
using OrleansCache.TestingHost;
using StackExchange.Redis;

namespace OrleansCache.Benchmarks;

/// <summary>
/// P4 and P5: how fast a write's invalidation reaches other clients' near-caches, against Redis pub/sub delivering the
/// same number of messages to the same number of subscribers. Our clients subscribe in broadcast mode to the benchmark's
/// prefix, the way a Redis subscriber listens to a channel; a latency is measured from the start of the write to the
/// moment the client has applied the invalidation (its <see cref="IOrleansCache.Invalidated"/> event).
/// </summary>
internal sealed class InvalidationBenchmarks(BenchmarkSettings settings, TextWriter log, string redisConnection)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);
    private static readonly byte[] Value = new byte[100];

    /// <summary>P4: latency at a fixed write rate, for each receiver count.</summary>
    public async Task LatencyAtFixedRateAsync(TestCluster cluster, ResultTable table)
    {
        foreach (var receivers in settings.InvalidationReceivers)
        {
            log.WriteLine($"P4: {receivers} receivers at {settings.InvalidationRate:#,0} writes/s");
            var writes = (int)(settings.InvalidationRate * settings.InvalidationDuration.TotalSeconds);
            var ours = await OursAtRateAsync(cluster, receivers, writes, $"p4:{receivers}:");
            var peer = await RedisAtRateAsync(receivers, writes, $"p4:{receivers}");
            var what = $"write → invalidation applied, {receivers} client{(receivers > 1 ? "s" : "")}, {settings.InvalidationRate:#,0} writes/s";
            table.Add("P4", $"{what}, p50", ours.P50, peer.P50, "µs", double.NaN, lowerIsBetter: true, "Redis PUBLISH → subscribers");
            table.Add("P4", $"{what}, p99", ours.P99, peer.P99, "µs", 1.0, lowerIsBetter: true, "Redis PUBLISH → subscribers");
            table.Add("P4", $"{what}, max", ours.Max, peer.Max, "µs", double.NaN, lowerIsBetter: true, "Redis PUBLISH → subscribers");
        }
    }

    /// <summary>P5: sustained invalidations per second applied at every one of 10 clients, with no loss.</summary>
    public async Task ThroughputAsync(TestCluster cluster, ResultTable table)
    {
        const int Receivers = 10;
        log.WriteLine($"P5: {settings.ThroughputInvalidations:#,0} invalidations to {Receivers} clients");
        var ours = await OursThroughputAsync(cluster, Receivers, settings.ThroughputInvalidations);
        var peer = await RedisThroughputAsync(Receivers, settings.ThroughputInvalidations);
        table.Add("P5", $"invalidations/s applied at each of {Receivers} clients, none lost", ours, peer, "ops/s", 1.0, lowerIsBetter: false, "Redis pub/sub to 10 subscribers");
    }

    private async Task<Latencies> OursAtRateAsync(TestCluster cluster, int receivers, int writes, string prefix)
    {
        var clients = await BroadcastClientsAsync(cluster, receivers, prefix);
        try
        {
            var writer = await cluster.CreateCacheClientAsync();
            await using var _ = writer;
            var started = new long[writes];
            var latencies = new ConcurrentBag<double>();
            var pending = new CountdownEvent(writes * receivers);
            foreach (var client in clients)
            {
                client.Invalidated += (_, e) =>
                {
                    var now = Stopwatch.GetTimestamp();
                    if (e.Target is { } key && key.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(key.AsSpan(prefix.Length), CultureInfo.InvariantCulture, out var i))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref started[i]), now).TotalMicroseconds);
                        pending.Signal();
                    }
                };
            }

            await PacedAsync(writes, settings.InvalidationRate, i =>
            {
                Volatile.Write(ref started[i], Stopwatch.GetTimestamp());
                return writer.SetAsync(prefix + i.ToString(CultureInfo.InvariantCulture), Value);
            });
            WaitAll(pending, "our invalidations");
            return Sorted(latencies);
        }
        finally
        {
            await DisposeAllAsync(clients);
        }
    }

    private async Task<Latencies> RedisAtRateAsync(int receivers, int messages, string channel)
    {
        var (publisher, subscribers) = await RedisPeersAsync(receivers);
        try
        {
            var started = new long[messages];
            var latencies = new ConcurrentBag<double>();
            var pending = new CountdownEvent(messages * receivers);
            await SubscribeAllAsync(subscribers, channel, message =>
            {
                var now = Stopwatch.GetTimestamp();
                latencies.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref started[(int)message]), now).TotalMicroseconds);
                pending.Signal();
            });
            var database = publisher.GetSubscriber();
            await PacedAsync(messages, settings.InvalidationRate, i =>
            {
                Volatile.Write(ref started[i], Stopwatch.GetTimestamp());
                return database.PublishAsync(channel, i);
            });
            WaitAll(pending, "Redis messages");
            return Sorted(latencies);
        }
        finally
        {
            DisposeAll(publisher, subscribers);
        }
    }

    private static async Task<double> OursThroughputAsync(TestCluster cluster, int receivers, int invalidations)
    {
        const string Prefix = "p5:";
        var clients = await BroadcastClientsAsync(cluster, receivers, Prefix);
        try
        {
            var writer = await cluster.CreateCacheClientAsync();
            await using var _ = writer;
            var received = new int[receivers];
            var lost = 0;
            var pending = new CountdownEvent(invalidations * receivers);
            for (var c = 0; c < receivers; c++)
            {
                var index = c;
                clients[c].Invalidated += (_, e) =>
                {
                    if (e.Kind == CacheInvalidationKind.Resync)
                    {
                        Interlocked.Increment(ref lost);
                    }
                    else if (e.Target?.StartsWith(Prefix, StringComparison.Ordinal) == true)
                    {
                        Interlocked.Increment(ref received[index]);
                        pending.Signal();
                    }
                };
            }

            var start = Stopwatch.GetTimestamp();
            await InFlightAsync(invalidations, i => writer.InvalidateAsync(Prefix + i.ToString(CultureInfo.InvariantCulture)));
            WaitAll(pending, "our invalidations");
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (lost > 0)
            {
                throw new InvalidOperationException($"{lost} clients had to resync: invalidations were lost under load.");
            }

            return invalidations / seconds;
        }
        finally
        {
            await DisposeAllAsync(clients);
        }
    }

    private async Task<double> RedisThroughputAsync(int receivers, int messages)
    {
        const string Channel = "p5";
        var (publisher, subscribers) = await RedisPeersAsync(receivers);
        try
        {
            var pending = new CountdownEvent(messages * receivers);
            await SubscribeAllAsync(subscribers, Channel, _ => pending.Signal());
            var subscriber = publisher.GetSubscriber();
            var start = Stopwatch.GetTimestamp();
            await InFlightAsync(messages, i => subscriber.PublishAsync(Channel, i));
            WaitAll(pending, "Redis messages");
            return messages / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        finally
        {
            DisposeAll(publisher, subscribers);
        }
    }

    /// <summary>Starts operation i at start + i / rate, without waiting for earlier ones: a fixed rate, like real writers.</summary>
    private static async Task PacedAsync(int count, double rate, Func<int, Task> operation)
    {
        var tasks = new Task[count];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * Stopwatch.Frequency / rate);
            while (Stopwatch.GetTimestamp() < due)
            {
                // Yield rather than sleep: a timer's millisecond granularity would send the writes in bursts.
                await Task.Yield();
            }

            tasks[i] = operation(i);
        }

        await Task.WhenAll(tasks);
    }

    /// <summary>Runs <paramref name="count"/> operations with 64 in flight, as fast as they complete.</summary>
    private static async Task InFlightAsync(int count, Func<int, Task> operation)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await operation(i);
            }
        }));
    }

    private static async Task<List<IOrleansCacheClient>> BroadcastClientsAsync(TestCluster cluster, int count, string prefix)
    {
        var clients = new List<IOrleansCacheClient>();
        for (var i = 0; i < count; i++)
        {
            clients.Add(await cluster.CreateCacheClientAsync(configure: o => o.BroadcastPrefixes.Add(prefix)));
        }

        // A broadcast subscription takes effect shortly after connecting, without an acknowledgement
        // (docs/consistency.md): probe until every client hears an invalidation under the prefix.
        var heard = new ConcurrentDictionary<IOrleansCacheClient, bool>();
        void OnProbe(object? sender, CacheInvalidatedEventArgs e)
        {
            if (e.Target == prefix + "probe")
            {
                heard[(IOrleansCacheClient)sender!] = true;
            }
        }

        foreach (var client in clients)
        {
            client.Invalidated += OnProbe;
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(DeliveryTimeout.TotalSeconds * Stopwatch.Frequency);
        while (heard.Count < count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Only {heard.Count} of {count} clients heard the subscription probe.");
            }

            await cluster.Cache.InvalidateAsync(prefix + "probe");
            await Task.Yield();
        }

        foreach (var client in clients)
        {
            client.Invalidated -= OnProbe;
        }

        return clients;
    }

    private async Task<(ConnectionMultiplexer Publisher, List<ConnectionMultiplexer> Subscribers)> RedisPeersAsync(int receivers)
    {
        var publisher = await ConnectionMultiplexer.ConnectAsync(redisConnection);
        var subscribers = new List<ConnectionMultiplexer>();
        for (var i = 0; i < receivers; i++)
        {
            subscribers.Add(await ConnectionMultiplexer.ConnectAsync(redisConnection));
        }

        return (publisher, subscribers);
    }

    /// <summary>Subscribes every subscriber; SUBSCRIBE is acknowledged, so once this returns every message is delivered.</summary>
    private static Task SubscribeAllAsync(List<ConnectionMultiplexer> subscribers, string channel, Action<long> onMessage) =>
        Task.WhenAll(subscribers.Select(s => s.GetSubscriber().SubscribeAsync(channel, (_, value) => onMessage((long)value))));

    private static void WaitAll(CountdownEvent pending, string what)
    {
        if (!pending.Wait(DeliveryTimeout))
        {
            throw new TimeoutException($"{pending.CurrentCount} {what} were not delivered within {DeliveryTimeout.TotalSeconds:0} s.");
        }
    }

    private static Latencies Sorted(ConcurrentBag<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return new Latencies(sorted);
    }

    private static async Task DisposeAllAsync(List<IOrleansCacheClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static void DisposeAll(ConnectionMultiplexer publisher, List<ConnectionMultiplexer> subscribers)
    {
        publisher.Dispose();
        foreach (var subscriber in subscribers)
        {
            subscriber.Dispose();
        }
    }
}
