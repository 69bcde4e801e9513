using System.Globalization;
using System.Text;
using OrleansCache.Client;
using OrleansCache.Client.Caching;
using OrleansCache.Core;
using OrleansCache.FaultInjection.History;
using StackExchange.Redis;

namespace OrleansCache.FaultInjection.Workload;

/// <summary>
/// The clients' work during a run, every operation recorded: reads, writes and invalidations (by key and pattern) of
/// shared keys from every client; get-or-create bursts on fresh keys from every client at once; and bridge messages
/// sent through Redis on every inbound path in turn (canonical pub/sub, the ingest stream, a typed channel, and a
/// foreign write making a keyspace notification), each invalidating a key of its own.
/// </summary>
internal sealed class CacheWorkload(
    IReadOnlyList<OrleansCacheClient> clients,
    KeySpace keys,
    RunHistory history,
    RunClock clock,
    ConnectionMultiplexer publisher,
    string streamKey,
    string typedChannel,
    int seed)
{
    private const int WorkersPerClient = 2;
    private const int CallersPerClientInBurst = 3;
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(4);
    private static readonly TimeSpan BurstEvery = TimeSpan.FromMilliseconds(1200);
    private static readonly TimeSpan BridgeEvery = TimeSpan.FromMilliseconds(250);
    private const string XaddScript = "return redis.call('XADD', KEYS[1], '*', 'payload', ARGV[1])";

    /// <summary>
    /// A foreign service's write, and how many distinct patterns are subscribed at that moment (the silos' keyspace
    /// subscriptions; all silos share one pattern, so this says "someone listened", not how many).
    /// </summary>
    private const string ForeignSetScript = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('PUBSUB', 'NUMPAT')";

    private static readonly BridgePath[] Paths = [BridgePath.PubSub, BridgePath.Stream, BridgePath.Typed, BridgePath.Keyspace];

    private int _bursts;
    private int _messages;
    private long _bridgeSendFailures;

    /// <summary>Bridge messages whose PUBLISH or XADD failed (not recorded: whether they went out is unknown).</summary>
    public long BridgeSendFailures => Interlocked.Read(ref _bridgeSendFailures);

    /// <summary>Runs until <paramref name="stop"/>; every started operation finishes (or times out) and is recorded.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var tasks = new List<Task>();
        for (var c = 0; c < clients.Count; c++)
        {
            for (var w = 0; w < WorkersPerClient; w++)
            {
                var client = c;
                var worker = w;
                tasks.Add(Task.Run(() => WorkAsync(client, worker, stop), CancellationToken.None));
            }
        }

        tasks.Add(Task.Run(() => BurstsAsync(stop), CancellationToken.None));
        tasks.Add(Task.Run(() => BridgeAsync(stop), CancellationToken.None));
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private async Task WorkAsync(int client, int worker, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(seed, client, worker));
        var cache = clients[client];
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var key = keys.Regular[random.Next(keys.Regular.Count)];
            var roll = random.Next(100);
            if (roll < 55)
            {
                await RecordAsync(client, OperationKind.Read, key, null, async ct =>
                {
                    var (found, value, version) = await cache.TryGetVersionedAsync(key, ct).ConfigureAwait(false);
                    return (found, found ? Encoding.UTF8.GetString(value!) : null, version);
                }).ConfigureAwait(false);
            }
            else if (roll < 85)
            {
                var value = string.Create(CultureInfo.InvariantCulture, $"c{client}.{worker}.{sequence}");
                await RecordAsync(client, OperationKind.Write, key, value, async ct =>
                    (true, value, await cache.SetBytesAsync(key, Encoding.UTF8.GetBytes(value), null, ct).ConfigureAwait(false))).ConfigureAwait(false);
            }
            else if (roll < 97)
            {
                await RecordAsync(client, OperationKind.Invalidate, key, null, async ct =>
                    (false, null, await cache.InvalidateVersionedAsync(key, ct).ConfigureAwait(false))).ConfigureAwait(false);
            }
            else
            {
                var pattern = KeySpace.PatternOf(random.Next(keys.Groups));
                await RecordAsync(client, OperationKind.Pattern, pattern, null, async ct =>
                {
                    await cache.InvalidateByPatternAsync(pattern, ct).ConfigureAwait(false);
                    return (false, null, null);
                }).ConfigureAwait(false);
            }

            await PauseAsync(Pace, stop).ConfigureAwait(false);
        }
    }

    private async Task RecordAsync(int client, OperationKind kind, string target, string? written, Func<CancellationToken, Task<(bool Found, string? Value, Grains.Interfaces.CacheVersion? Version)>> operation)
    {
        // Not cancelled by the end of the run: an operation once started is seen through, so its outcome is known.
        using var timeout = new CancellationTokenSource(OperationTimeout);
        var start = clock.Now;
        try
        {
            var (found, value, version) = await operation(timeout.Token).ConfigureAwait(false);
            history.Operations.Enqueue(new OperationRecord(client, kind, target, start, clock.Now, true, found, value, version));
        }
        catch (Exception ex) when (ex is OrleansCacheException or OperationCanceledException or TimeoutException)
        {
            history.Operations.Enqueue(new OperationRecord(client, kind, target, start, clock.Now, false, false, written, null));
        }
    }

    private async Task BurstsAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var burst = Interlocked.Increment(ref _bursts);
            var key = KeySpace.BurstKey(burst);
            var runs = 0;
            var succeeded = 0;
            var start = clock.Now;
            var callers = clients.SelectMany(c => Enumerable.Range(0, CallersPerClientInBurst).Select(_ => c)).Select(async cache =>
            {
                using var timeout = new CancellationTokenSource(OperationTimeout);
                try
                {
                    await cache.GetOrCreateAsync(key, async ct =>
                    {
                        Interlocked.Increment(ref runs);
                        await Task.Delay(TimeSpan.FromMilliseconds(30), ct).ConfigureAwait(false);
                        return key;
                    }, null, timeout.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception ex) when (ex is OrleansCacheException or OperationCanceledException or TimeoutException)
                {
                    // Counted as not succeeded.
                }
            }).ToList();
            await Task.WhenAll(callers).ConfigureAwait(false);
            history.Bursts.Enqueue(new BurstRecord(key, start, clock.Now, callers.Count, succeeded, Volatile.Read(ref runs)));
            await PauseAsync(BurstEvery, stop).ConfigureAwait(false);
        }
    }

    private async Task BridgeAsync(CancellationToken stop)
    {
        var db = publisher.GetDatabase();
        var bus = publisher.GetSubscriber();
        while (!stop.IsCancellationRequested)
        {
            var number = Interlocked.Increment(ref _messages);
            var path = Paths[number % Paths.Length];
            var key = path switch
            {
                BridgePath.Typed => KeySpace.TypedKey(number),
                BridgePath.Keyspace => KeySpace.KeyspaceKey(number),
                _ => KeySpace.BridgeKey(number),
            };
            var owner = clients[number % clients.Count];
            var started = clock.Now;
            try
            {
                using var timeout = new CancellationTokenSource(OperationTimeout);
                var before = await owner.SetBytesAsync(key, "before"u8.ToArray(), null, timeout.Token).ConfigureAwait(false);
                var id = string.Create(CultureInfo.InvariantCulture, $"fi-{number}");
                var message = new BridgeMessageRecord(id, key, path, before) { Started = started };
                history.BridgeMessages[key] = message;
                var canonical = string.Create(CultureInfo.InvariantCulture, $$"""{"entity_type":"bridge","entity_id":"{{number}}","action":"delete","source":"fault-injection","message_id":"{{id}}"}""");
                var sending = path switch
                {
                    BridgePath.PubSub => bus.PublishAsync("cache:invalidate", canonical),
                    BridgePath.Stream => AddToStreamAsync(db, canonical),
                    BridgePath.Typed => bus.PublishAsync(typedChannel, string.Create(CultureInfo.InvariantCulture, $$"""{"type":"item","itemId":"{{number}}","source":"fault-injection","message_id":"{{id}}"}""")),
                    _ => ForeignSetAsync(db, key, id),
                };
                message.Receivers = await sending.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
                message.Sent = clock.Now;
            }
            catch (Exception ex) when (ex is OrleansCacheException or OperationCanceledException or TimeoutException or RedisException)
            {
                // The setup write failed (nothing recorded), or sending did: whether it went out is unknown, so the
                // message is not judged.
                history.BridgeMessages.TryRemove(key, out _);
                Interlocked.Increment(ref _bridgeSendFailures);
            }

            await PauseAsync(BridgeEvery, stop).ConfigureAwait(false);
        }
    }

    /// <summary>XADD; a stream has no receiver count (0).</summary>
    private async Task<long> AddToStreamAsync(IDatabase db, string canonical)
    {
        await db.ScriptEvaluateAsync(XaddScript, [streamKey], [canonical]).ConfigureAwait(false);
        return 0;
    }

    private static async Task<long> ForeignSetAsync(IDatabase db, string key, string value) =>
        (long)await db.ScriptEvaluateAsync(ForeignSetScript, [key], [value]).ConfigureAwait(false);

    private static async Task PauseAsync(TimeSpan pace, CancellationToken stop)
    {
        // Pacing of the load generator, not synchronisation: it keeps the run's rate within a 2-core machine.
        try
        {
            await Task.Delay(pace, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
