using System.Diagnostics;
using System.Globalization;
using OrleansCache.Benchmarks.Infrastructure;
using OrleansCache.Benchmarks.Peers;
using OrleansCache.TestSupport.Peers;
using ZiggyCreatures.Caching.Fusion.Events;

namespace OrleansCache.Benchmarks.Pairs.Invalidation;

/// <summary>
/// FusionCache: N + 1 instances (memory L1, Redis L2, Redis backplane), each with connections of its own. The first
/// writes (P4: <c>SetAsync</c>) or removes (P5: <c>RemoveAsync</c>) a key; a message arrives when another instance's
/// backplane handler, which evicts its L1 copy, sees the key.
/// </summary>
internal sealed class FusionBackplaneSide : IInvalidationSide
{
    private static readonly byte[] Value = new byte[100];

    private readonly string _name;
    private readonly int _redisProcessId;
    private readonly List<FusionCacheNode> _nodes;
    private readonly TextWriter _log;

    // The repeat being counted: its tracker and the prefix of its keys (a late message of an earlier repeat is not its).
    private volatile Listening? _listening;

    private FusionBackplaneSide(string name, int redisProcessId, List<FusionCacheNode> nodes, TextWriter log)
    {
        _name = name;
        _redisProcessId = redisProcessId;
        _nodes = nodes;
        _log = log;
        for (var n = 1; n < nodes.Count; n++)
        {
            var receiver = n - 1;
            nodes[n].Cache.Events.Backplane.MessageReceived += (_, e) => OnMessage(receiver, e);
        }
    }

    /// <summary>Starts the instances and waits until each has heard a probe: the backplane subscribes in the background, so until then a message could be missed.</summary>
    public static async Task<FusionBackplaneSide> StartAsync(string redisConnection, int redisProcessId, int receivers, string name, TextWriter log, CancellationToken cancellationToken)
    {
        var nodes = FusionCacheNode.ManyWithRedis(redisConnection, name, receivers + 1);
        try
        {
            await FusionBackplaneProbe.WaitUntilHeardAsync(nodes[0], nodes[1..], cancellationToken);
            return new FusionBackplaneSide(name, redisProcessId, nodes, log);
        }
        catch
        {
            nodes.ForEach(n => n.Dispose());
            throw;
        }
    }

    public async Task<SideRun> AtRateAsync(string repeat, int messages, double rate, CancellationToken cancellationToken)
    {
        var prefix = $"{_name}:{repeat}:";
        var tracker = new DeliveryTracker(messages, _nodes.Count - 1, warmup: messages / 10);
        using var listening = Listen(tracker, prefix);
        var writer = _nodes[0].Cache;
        var meter = PhaseMeter.Start([_redisProcessId]);
        await Measure.PacedAsync(messages, rate, async i =>
        {
            tracker.Started(i);
            await writer.SetAsync(prefix + i.ToString(CultureInfo.InvariantCulture), Value, token: cancellationToken);
        });
        var missing = await tracker.WaitAsync(DeliveryTracker.PatientTimeout);
        return new SideRun(tracker.Latencies.Summary(), meter.Stop()) { Missing = missing };
    }

    public async Task<SideThroughput> ThroughputAsync(string repeat, int messages, CancellationToken cancellationToken)
    {
        var prefix = $"{_name}:{repeat}:";
        var tracker = new DeliveryTracker(messages, _nodes.Count - 1, warmup: 0);
        using var listening = Listen(tracker, prefix);
        var writer = _nodes[0].Cache;
        var start = Stopwatch.GetTimestamp();
        await Measure.InFlightAsync(messages, 64, async i => await writer.RemoveAsync(prefix + i.ToString(CultureInfo.InvariantCulture), token: cancellationToken));
        var missing = await tracker.WaitAsync(DeliveryTracker.PatientTimeout);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (missing > 0)
        {
            // The backplane is fire-and-forget over pub/sub: a loss is its behaviour, reported as the rate of what arrived.
            _log.WriteLine($"  FusionCache backplane: {missing} of {(long)messages * (_nodes.Count - 1)} arrivals missing");
        }

        return new SideThroughput((messages - (missing / (double)(_nodes.Count - 1))) / seconds, missing, 0);
    }

    public ValueTask DisposeAsync()
    {
        _nodes.ForEach(n => n.Dispose());
        return ValueTask.CompletedTask;
    }

    /// <summary>Counts the receivers' messages for keys under <paramref name="prefix"/> as <paramref name="tracker"/>'s arrivals until disposed.</summary>
    private Unsubscriber Listen(DeliveryTracker tracker, string prefix)
    {
        _listening = new Listening(tracker, prefix);
        return new Unsubscriber(() => _listening = null);
    }

    private void OnMessage(int receiver, FusionCacheBackplaneMessageEventArgs e)
    {
        if (_listening is { } listening && e.Message.CacheKey is { } key && key.StartsWith(listening.Prefix, StringComparison.Ordinal))
        {
            listening.Tracker.Arrived(receiver, key);
        }
    }

    private sealed record Listening(DeliveryTracker Tracker, string Prefix);
}
