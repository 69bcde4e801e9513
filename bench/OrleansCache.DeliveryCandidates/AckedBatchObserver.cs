using System.Diagnostics;

namespace OrleansCache.DeliveryCandidates;

// Candidate 2: acknowledged observer calls, one in flight per subscriber; whatever queues up meanwhile goes out as the
// next batch. The awaited call gives per-subscriber ordering (the next batch leaves only after the previous one was
// applied), backpressure (a slow client gets bigger batches, not more calls) and a failure signal (the call throws).

public interface IBatchObserver : IGrainObserver
{
    Task Deliver(Invalidation[] batch);
}

public interface IAckedFeedGrain : IFeedGrain
{
    Task Subscribe(IBatchObserver observer);

    /// <summary>Calls made and calls that failed, over all subscribers.</summary>
    Task<(long Calls, long Failures)> CallCounts();
}

[PreferLocalPlacement]
public sealed class AckedFeedGrain : Grain, IAckedFeedGrain
{
    private readonly List<Subscriber> _subscribers = [];
    private long _seq;
    private long _calls;
    private long _failures;

    public Task Subscribe(IBatchObserver observer)
    {
        _subscribers.Add(new Subscriber(observer));
        return Task.CompletedTask;
    }

    public Task Publish(long writeStamp)
    {
        var e = new Invalidation(++_seq, writeStamp == 0 ? Stopwatch.GetTimestamp() : writeStamp, Invalidation.KeyFor(_seq));
        foreach (var subscriber in _subscribers)
        {
            subscriber.Pending.Add(e);
            if (!subscriber.Sending)
            {
                subscriber.Sending = true;
                // Started, not awaited: Publish returns at once, and the pump's continuations run as turns on this
                // activation's scheduler (no ConfigureAwait(false)), so its state needs no locks and the grain is
                // never blocked on a client.
                _ = PumpAsync(subscriber);
            }
        }

        return Task.CompletedTask;
    }

    private async Task PumpAsync(Subscriber subscriber)
    {
        try
        {
            while (subscriber.Pending.Count > 0)
            {
                var batch = subscriber.Pending.ToArray();
                subscriber.Pending.Clear();
                _calls++;
                await subscriber.Observer.Deliver(batch);
            }
        }
        catch (Exception)
        {
            // A real feed would mark the subscriber suspect and let it resync; here the client's gap shows as loss.
            _failures++;
        }
        finally
        {
            subscriber.Sending = false;
        }
    }

    public Task<long> LastSeq() => Task.FromResult(_seq);

    public Task<string> Silo() => Task.FromResult(GrainContext.Address.SiloAddress?.ToString() ?? "unknown");

    public Task<(long Calls, long Failures)> CallCounts() => Task.FromResult((_calls, _failures));

    private sealed class Subscriber(IBatchObserver observer)
    {
        public IBatchObserver Observer { get; } = observer;

        public List<Invalidation> Pending { get; } = [];

        public bool Sending { get; set; }
    }
}

internal sealed class AckedBatchObserverCandidate(OrleansCluster cluster, string key, bool viaEntryGrain) : ICandidate
{
    private readonly List<(IClusterClient Client, Observer Target, IBatchObserver Reference)> _observers = [];
    private IAckedFeedGrain _feed = null!;
    private EntryPath? _entry;
    private (long Calls, long Failures) _countsAtStop;
    private long _eventsAtStop;

    public string Mechanism => viaEntryGrain ? "write path: client → entry grain → acked batching observers" : "grain observer, acked, 1 in flight + batching";

    public async Task StartAsync(int subscribers, DeliverySink sink)
    {
        if (viaEntryGrain)
        {
            _entry = await EntryPath.StartAsync(cluster.Writer, EntryPath.Acked, key);
        }

        _feed = cluster.Writer.GetGrain<IAckedFeedGrain>(key);
        for (var i = 0; i < subscribers; i++)
        {
            var client = cluster.Subscribers[i];
            var target = new Observer(i, sink);
            var reference = client.CreateObjectReference<IBatchObserver>(target);
            _observers.Add((client, target, reference));
            await client.GetGrain<IAckedFeedGrain>(key).Subscribe(reference);
        }
    }

    public Task<long> LastSeqAsync() => _feed.LastSeq();

    public Task PublishAsync() => _entry?.WriteAsync() ?? _feed.Publish(0);

    public string Notes()
    {
        // Warm-up and measured phase together: the batching behaviour, not a latency.
        var perCall = _countsAtStop.Calls == 0 ? 0 : (double)_eventsAtStop * _observers.Count / _countsAtStop.Calls;
        var text = FormattableString.Invariant($"avg batch {perCall:0.0} events/call");
        if (_countsAtStop.Failures > 0)
        {
            text += FormattableString.Invariant($", {_countsAtStop.Failures} failed calls");
        }

        return _entry is null ? text : text + "; " + _entry.Placement;
    }

    public async Task StopAsync()
    {
        _countsAtStop = await _feed.CallCounts();
        _eventsAtStop = await _feed.LastSeq();
        foreach (var (client, _, reference) in _observers)
        {
            client.DeleteObjectReference<IBatchObserver>(reference);
        }
    }

    private sealed class Observer(int client, DeliverySink sink) : IBatchObserver
    {
        public Task Deliver(Invalidation[] batch)
        {
            foreach (var e in batch)
            {
                sink.Deliver(client, e);
            }

            return Task.CompletedTask;
        }
    }
}
