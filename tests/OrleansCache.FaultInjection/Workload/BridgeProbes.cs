using System.Globalization;
using OrleansCache.FaultInjection.Cluster;
using OrleansCache.FaultInjection.History;
using OrleansCache.Grains.Interfaces;
using StackExchange.Redis;

namespace OrleansCache.FaultInjection.Workload;

/// <summary>
/// Invalidations through the Redis bridge beside the workload, published as a non-.NET service would (a plain
/// StackExchange.Redis connection), on each of the four inbound paths at once. A probe cycle on one of a path's keys:
/// a client writes it, every client reads it (so each holds a copy), the invalidation is published, every client reads
/// it until each sees it gone (or the wait ends), then a client writes it again and every client reads it twice more.
/// Every read and write is recorded as the workload's are; the message is recorded with when its removal was seen.
/// </summary>
/// <remarks>
/// The keys are the probes' own (<see cref="BridgeSetup.Prefix"/>), so only the bridge removes them: a read that
/// still returns the value written before a message, past the bound, shows the message lost; a read that finds the
/// rewritten key removed again shows it applied twice (History/HistoryChecker.Bridge.cs).
/// </remarks>
internal sealed class BridgeProbes(IReadOnlyList<IWorkloadClient> clients, string redis, RunHistory history, RunClock clock, int seed) : IAsyncDisposable
{
    private const int KeysPerPath = 4;

    /// <summary>Pause between a path's cycles.</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(150);

    /// <summary>Pause between two rounds of reads while waiting for a removal.</summary>
    private static readonly TimeSpan ReadPace = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private ConnectionMultiplexer? _redis;
    private long _values;

    public async Task StartAsync()
    {
        var options = ConfigurationOptions.Parse(redis);
        options.AbortOnConnectFail = false;
        _redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        foreach (var path in Enum.GetValues<BridgePath>())
        {
            var random = new Random(HashCode.Combine(seed, path));
            _loops.Add(Task.Run(() => RunAsync(path, random, _stop.Token)));
        }
    }

    /// <summary>Starts no more cycles and waits for those under way.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>How long a cycle waits for every client to see the removal: past the longest bound a fault gives it.</summary>
    private static TimeSpan RemovalWait(BridgePath path) =>
        path == BridgePath.Stream ? BridgeSetup.StreamClaimAfter + TimeSpan.FromSeconds(12) : TimeSpan.FromSeconds(10);

    private async Task RunAsync(BridgePath path, Random random, CancellationToken stop)
    {
        for (var cycle = 0; !stop.IsCancellationRequested; cycle++)
        {
            var key = BridgeSetup.Prefix(path) + (cycle % KeysPerPath).ToString(CultureInfo.InvariantCulture);
            await CycleAsync(path, key, clients[random.Next(clients.Count)], stop).ConfigureAwait(false);
            try
            {
                await Task.Delay(Pace, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task CycleAsync(BridgePath path, string key, IWorkloadClient writer, CancellationToken stop)
    {
        var written = await WriteAsync(writer, key).ConfigureAwait(false);
        if (written is null)
        {
            return;
        }

        await ReadEveryClientAsync(key).ConfigureAwait(false);
        var start = clock.Now;
        var ok = await PublishAsync(path, key).ConfigureAwait(false);
        var end = clock.Now;
        TimeSpan? appliedSeenAt = null;
        if (ok)
        {
            var until = clock.Now + RemovalWait(path);
            while (appliedSeenAt is null && clock.Now < until && !stop.IsCancellationRequested)
            {
                var reads = await ReadEveryClientAsync(key).ConfigureAwait(false);
                if (reads.All(r => r is { Found: false, Version: { } v } && v > written.Value))
                {
                    appliedSeenAt = clock.Now;
                    break;
                }

                await Task.Delay(ReadPace, CancellationToken.None).ConfigureAwait(false);
            }
        }

        history.BridgeMessages.Enqueue(new BridgeMessage(path, key, start, end, ok, appliedSeenAt));
        if (appliedSeenAt is not null && await WriteAsync(writer, key).ConfigureAwait(false) is not null)
        {
            // A second application of the message would remove the rewritten value: reads see it gone.
            await ReadEveryClientAsync(key).ConfigureAwait(false);
            await Task.Delay(ReadPace, CancellationToken.None).ConfigureAwait(false);
            await ReadEveryClientAsync(key).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes the path's invalidation of <paramref name="key"/>; true once Redis acknowledged it.</summary>
    private async Task<bool> PublishAsync(BridgePath path, string key)
    {
        var id = key[BridgeSetup.Prefix(path).Length..];
        var entity = BridgeSetup.Prefix(path).TrimEnd(':');
        var db = _redis!.GetDatabase();
        try
        {
            Task publish = path switch
            {
                BridgePath.Canonical => db.PublishAsync(RedisChannel.Literal(BridgeSetup.CanonicalChannel), Canonical(entity, id)),
                BridgePath.Typed => db.PublishAsync(RedisChannel.Literal(BridgeSetup.TypedChannel), $$"""{"type":"item","itemId":"{{id}}"}"""),
                // A service updating its own copy of the key: the keyspace notification is the message.
                BridgePath.Keyspace => db.StringSetAsync(key, NextValue(key)),
                _ => db.StreamAddAsync(BridgeSetup.StreamKey, "payload", Canonical(entity, id)),
            };
            await publish.WaitAsync(OperationTimeout).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }

    private static string Canonical(string entity, string id) => $$"""{"action":"delete","entity_type":"{{entity}}","entity_id":"{{id}}","source":"fault-runner"}""";

    private string NextValue(string key) => string.Create(CultureInfo.InvariantCulture, $"{key} bridge {Interlocked.Increment(ref _values)}");

    /// <summary>Writes a new value; its version, or null if the write failed (recorded either way).</summary>
    private async Task<CacheVersion?> WriteAsync(IWorkloadClient client, string key)
    {
        var value = NextValue(key);
        var start = clock.Now;
        using var timeout = new CancellationTokenSource(OperationTimeout);
        try
        {
            var version = await client.WriteAsync(key, value, timeout.Token).ConfigureAwait(false);
            history.Operations.Enqueue(new OperationRecord(client.Number, OperationKind.Write, key, start, clock.Now, true, false, value, version));
            return version;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            history.Operations.Enqueue(new OperationRecord(client.Number, OperationKind.Write, key, start, clock.Now, false, false, value, null));
            return null;
        }
    }

    /// <summary>Every client reads the key once, at the same time; each read is recorded (null: it failed).</summary>
    private Task<WorkloadRead?[]> ReadEveryClientAsync(string key) => Task.WhenAll(clients.Select(async client =>
    {
        var start = clock.Now;
        using var timeout = new CancellationTokenSource(OperationTimeout);
        try
        {
            var read = await client.ReadAsync(key, timeout.Token).ConfigureAwait(false);
            history.Operations.Enqueue(new OperationRecord(client.Number, OperationKind.Read, key, start, clock.Now, true, read.Found, read.Value, read.Version));
            return read;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            history.Operations.Enqueue(new OperationRecord(client.Number, OperationKind.Read, key, start, clock.Now, false, false, null, null));
            return (WorkloadRead?)null;
        }
    }));
}
