using System.Diagnostics;

namespace OrleansCache.DeliveryCandidates;

// Candidate 1: the feed grain holds the clients' observer references and calls a [OneWay] method on each, per event.
// Fire-and-forget: no response, so no backpressure and no failure signal to the grain.

public interface IOneWayObserver : IGrainObserver
{
    [OneWay]
    Task OnInvalidation(Invalidation e);
}

public interface IOneWayFeedGrain : IFeedGrain
{
    Task Subscribe(IOneWayObserver observer);
}

/// <summary>
/// Prefer-local placement: when the entry grain is the first caller, the feed is activated on the entry's silo, so the
/// write path measures one silo's fan-out rather than an extra silo-to-silo hop.
/// </summary>
[PreferLocalPlacement]
public sealed class OneWayFeedGrain : Grain, IOneWayFeedGrain
{
    private readonly List<IOneWayObserver> _observers = [];
    private long _seq;

    public Task Subscribe(IOneWayObserver observer)
    {
        _observers.Add(observer);
        return Task.CompletedTask;
    }

    public Task Publish(long writeStamp)
    {
        var e = new Invalidation(++_seq, writeStamp == 0 ? Stopwatch.GetTimestamp() : writeStamp, Invalidation.KeyFor(_seq));
        foreach (var observer in _observers)
        {
            // [OneWay]: the returned task is already complete; nothing comes back from the client.
            _ = observer.OnInvalidation(e);
        }

        return Task.CompletedTask;
    }

    public Task<long> LastSeq() => Task.FromResult(_seq);

    public Task<string> Silo() => Task.FromResult(GrainContext.Address.SiloAddress?.ToString() ?? "unknown");
}

internal sealed class OneWayObserverCandidate(OrleansCluster cluster, string key, bool viaEntryGrain) : ICandidate
{
    // Clients hold observer objects weakly: these strong references keep them alive for the run.
    private readonly List<(IClusterClient Client, Observer Target, IOneWayObserver Reference)> _observers = [];
    private IOneWayFeedGrain _feed = null!;
    private EntryPath? _entry;

    public string Mechanism => viaEntryGrain ? "write path: client → entry grain → one-way observers" : "grain observer, [OneWay]";

    public async Task StartAsync(int subscribers, DeliverySink sink)
    {
        if (viaEntryGrain)
        {
            _entry = await EntryPath.StartAsync(cluster.Writer, EntryPath.OneWay, key);
        }

        _feed = cluster.Writer.GetGrain<IOneWayFeedGrain>(key);
        for (var i = 0; i < subscribers; i++)
        {
            var client = cluster.Subscribers[i];
            var target = new Observer(i, sink);
            var reference = client.CreateObjectReference<IOneWayObserver>(target);
            _observers.Add((client, target, reference));
            await client.GetGrain<IOneWayFeedGrain>(key).Subscribe(reference);
        }
    }

    public Task<long> LastSeqAsync() => _feed.LastSeq();

    public Task PublishAsync() => _entry?.WriteAsync() ?? _feed.Publish(0);

    public string Notes() => _entry?.Placement ?? "";

    public Task StopAsync()
    {
        foreach (var (client, _, reference) in _observers)
        {
            client.DeleteObjectReference<IOneWayObserver>(reference);
        }

        _observers.Clear();
        return Task.CompletedTask;
    }

    private sealed class Observer(int client, DeliverySink sink) : IOneWayObserver
    {
        public Task OnInvalidation(Invalidation e)
        {
            sink.Deliver(client, e);
            return Task.CompletedTask;
        }
    }
}
