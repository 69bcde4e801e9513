using System.Diagnostics;
using Orleans.Streams;

namespace OrleansCache.DeliveryCandidates;

// Candidate 4: Orleans memory streams. The feed grain publishes to one stream; every client subscribes to it. Events
// go grain → memory queue grain → the silo's pulling agent, which polls its queue every GetQueueMsgsTimerPeriod and
// delivers to each subscription (including clients, through their gateway).

public interface IStreamFeedGrain : IFeedGrain;

[PreferLocalPlacement]
public sealed class StreamFeedGrain : Grain, IStreamFeedGrain
{
    private IAsyncStream<Invalidation> _stream = null!;
    private long _seq;

    public static StreamId StreamFor(string key) => StreamId.Create("invalidations", key);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = this.GetStreamProvider(OrleansCluster.StreamProvider).GetStream<Invalidation>(StreamFor(this.GetPrimaryKeyString()));
        return Task.CompletedTask;
    }

    public async Task Publish(long writeStamp)
    {
        var e = new Invalidation(++_seq, writeStamp == 0 ? Stopwatch.GetTimestamp() : writeStamp, Invalidation.KeyFor(_seq));
        // Awaited: enqueueing is a call to the queue grain, and the grain keeps events in order by not interleaving.
        await _stream.OnNextAsync(e);
    }

    public Task<long> LastSeq() => Task.FromResult(_seq);

    public Task<string> Silo() => Task.FromResult(GrainContext.Address.SiloAddress?.ToString() ?? "unknown");
}

internal sealed class MemoryStreamCandidate(OrleansCluster cluster, string key, StreamSettings settings) : ICandidate
{
    private readonly List<StreamSubscriptionHandle<Invalidation>> _handles = [];
    private IStreamFeedGrain _feed = null!;

    public string Mechanism => settings.ToString();

    public async Task StartAsync(int subscribers, DeliverySink sink)
    {
        _feed = cluster.Writer.GetGrain<IStreamFeedGrain>(key);
        for (var i = 0; i < subscribers; i++)
        {
            var client = i;
            var stream = cluster.Subscribers[i].GetStreamProvider(OrleansCluster.StreamProvider)
                .GetStream<Invalidation>(StreamFeedGrain.StreamFor(key));
            // Awaited: the subscription is registered in pub-sub before the first event is published.
            _handles.Add(await stream.SubscribeAsync(batch =>
            {
                // The batch form sees every event of a batched delivery (DeliveryBatchSize > 1) as well as single ones.
                foreach (var item in batch)
                {
                    sink.Deliver(client, item.Item);
                }

                return Task.CompletedTask;
            }));
        }
    }

    public Task<long> LastSeqAsync() => _feed.LastSeq();

    public Task PublishAsync() => _feed.Publish(0);

    public string Notes() => "";

    public async Task StopAsync()
    {
        foreach (var handle in _handles)
        {
            await handle.UnsubscribeAsync();
        }

        _handles.Clear();
    }
}
