using System.Diagnostics;
using System.Threading.Channels;

namespace OrleansCache.DeliveryCandidates;

// Candidate 3: response streaming. Each client enumerates an IAsyncEnumerable<Invalidation> grain method; the grain
// yields from a per-subscriber channel. Orleans pulls: the client's MoveNext call waits at the grain until an item is
// ready and brings back up to 100 ready items at once, so it is one call in flight per subscriber, batched, ordered.

public interface IStreamingFeedGrain : IFeedGrain
{
    /// <summary>First yields <see cref="StreamingFeedGrain.Hello"/> (the subscription is registered), then every event.</summary>
    IAsyncEnumerable<Invalidation> Subscribe();

    /// <summary>Completes every subscriber's enumeration.</summary>
    Task Close();
}

[PreferLocalPlacement]
public sealed class StreamingFeedGrain : Grain, IStreamingFeedGrain
{
    public static readonly Invalidation Hello = new(0, 0, "");

    private readonly List<Channel<Invalidation>> _channels = [];
    private long _seq;

    public async IAsyncEnumerable<Invalidation> Subscribe()
    {
        var channel = Channel.CreateUnbounded<Invalidation>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _channels.Add(channel);
        try
        {
            // Lets the client wait for "registered" instead of guessing: nothing published after this can miss it.
            yield return Hello;
            await foreach (var e in channel.Reader.ReadAllAsync())
            {
                yield return e;
            }
        }
        finally
        {
            _channels.Remove(channel);
        }
    }

    public Task Publish(long writeStamp)
    {
        var e = new Invalidation(++_seq, writeStamp == 0 ? Stopwatch.GetTimestamp() : writeStamp, Invalidation.KeyFor(_seq));
        foreach (var channel in _channels)
        {
            channel.Writer.TryWrite(e);
        }

        return Task.CompletedTask;
    }

    public Task Close()
    {
        foreach (var channel in _channels)
        {
            channel.Writer.TryComplete();
        }

        return Task.CompletedTask;
    }

    public Task<long> LastSeq() => Task.FromResult(_seq);

    public Task<string> Silo() => Task.FromResult(GrainContext.Address.SiloAddress?.ToString() ?? "unknown");
}

internal sealed class ResponseStreamingCandidate(OrleansCluster cluster, string key) : ICandidate
{
    private readonly List<Task> _readers = [];
    private IStreamingFeedGrain _feed = null!;
    private string _failure = "";

    public string Mechanism => "response streaming (IAsyncEnumerable)";

    public async Task StartAsync(int subscribers, DeliverySink sink)
    {
        _feed = cluster.Writer.GetGrain<IStreamingFeedGrain>(key);
        await _feed.LastSeq(); // activate the feed before the subscribers race to
        var ready = new List<Task>();
        for (var i = 0; i < subscribers; i++)
        {
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ready.Add(registered.Task);
            _readers.Add(ReadAsync(i, cluster.Subscribers[i].GetGrain<IStreamingFeedGrain>(key), registered, sink));
        }

        // A reader that fails before its hello would otherwise leave us waiting: surface its exception.
        await Task.WhenAny(Task.WhenAll(ready), Task.WhenAll(_readers));
        foreach (var reader in _readers.Where(r => r.IsFaulted))
        {
            await reader;
        }
    }

    private async Task ReadAsync(int client, IStreamingFeedGrain feed, TaskCompletionSource registered, DeliverySink sink)
    {
        try
        {
            await foreach (var e in feed.Subscribe())
            {
                if (e.Seq == 0)
                {
                    registered.TrySetResult();
                }
                else
                {
                    sink.Deliver(client, e);
                }
            }
        }
        catch (Exception ex)
        {
            _failure = $"reader {client} failed: {ex.GetType().Name}";
            registered.TrySetException(ex);
            throw;
        }
    }

    public Task<long> LastSeqAsync() => _feed.LastSeq();

    public Task PublishAsync() => _feed.Publish(0);

    public string Notes() => _failure;

    public async Task StopAsync()
    {
        await _feed.Close();
        await Task.WhenAll(_readers);
    }
}
