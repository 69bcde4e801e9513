using System.Threading.Channels;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

/// <summary>
/// A second problem while a partition is subscribing again (the fault runner's short run: a client's connection cut,
/// then its gateways lost once more as it came back). The round that follows replaces the subscription the first round
/// made live; until the feed has answered for the new one, no read may register it.
/// </summary>
public sealed class OverlappingResyncTests
{
    [Fact]
    public async Task ProblemWhileSubscribing_NextRoundsSubscriptionIsNotLiveUntilTheFeedKnowsIt_ChangesStillArrive()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = new SubscribeGate();
        await using var cluster = await CacheClusters.StartAsync(silos: 2, o => o.ConfigureClientBuilder = client => client.AddOutgoingGrainCallFilter(gate.InvokeAsync));
        var writer = cluster.DefaultClient;
        // A read waits this long for its partition's subscription, then reads without caching.
        var reader = await cluster.CreateClientAsync(o => o.FeedSubscribeWait = TimeSpan.FromMilliseconds(200), ct);
        await reader.WaitUntilSubscribedAsync();
        var key = CacheClusters.Key("overlap");
        var partition = CachePartitions.Of(key);
        await writer.Cache.SetAsync(key, "v1", cancellationToken: ct);

        // The first round subscribes; its answer is held while a second problem comes.
        gate.Hold(partition);
        reader.Impl().Feeds.ResyncAll("test_first");
        var first = await gate.NextAsync(ct);
        reader.Impl().Feeds.ResyncAll("test_second");

        // The first round's subscription goes live; the second round then subscribes again, and that answer is held.
        first.Release();
        var second = await gate.NextAsync(ct);
        Assert.NotEqual(first.Subscription, second.Subscription);

        // Read while the feed does not know the second round's subscription: the value must not be cached under it (its
        // feed would not send the key's changes there).
        Assert.Equal("v1", await reader.Cache.GetAsync<string>(key, ct));
        Assert.False(reader.Serves(key), "A read registered a subscription its feed did not know yet, and cached the value.");

        gate.Open();
        second.Release();
        await Eventually.TrueAsync(() => reader.Impl().Feeds.StateOf(partition) is { Live: true } state && state.Subscription == second.Subscription, "the second round's subscription to go live", cancellationToken: ct);
        Assert.Equal("v1", await reader.Cache.GetAsync<string>(key, ct));
        Assert.True(reader.Serves(key));

        using var watch = new Watch(reader.Cache);
        await writer.Cache.SetAsync(key, "v2", cancellationToken: ct);
        await watch.ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped == 1);
        Assert.Equal("v2", await reader.Cache.GetAsync<string>(key, ct));
    }

    /// <summary>
    /// Holds the subscribe calls to one partition's feed while armed: each new subscription waits until the test
    /// releases it (a client's retry of a held subscribe waits with it; one released passes from then on).
    /// </summary>
    private sealed class SubscribeGate
    {
        private readonly Channel<HeldSubscribe> _held = Channel.CreateUnbounded<HeldSubscribe>();
        private readonly Dictionary<Guid, HeldSubscribe> _seen = [];
        private volatile int _partition = -1;

        public void Hold(int partition) => _partition = partition;

        public void Open() => _partition = -1;

        public async ValueTask<HeldSubscribe> NextAsync(CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Watch.Timeout);
            return await _held.Reader.ReadAsync(timeout.Token);
        }

        public async Task InvokeAsync(IOutgoingGrainCallContext context)
        {
            if (context.MethodName == nameof(IInvalidationFeedGrain.SubscribeAsync)
                && context.Request.GetArgument(1) is FeedSubscription subscription
                && context.TargetId.GetIntegerKey() == _partition)
            {
                HeldSubscribe held;
                lock (_seen)
                {
                    if (!_seen.TryGetValue(subscription.Id, out held!))
                    {
                        _seen[subscription.Id] = held = new HeldSubscribe(subscription.Id);
                        _held.Writer.TryWrite(held);
                    }
                }

                await held.Released;
            }

            await context.Invoke();
        }
    }

    private sealed class HeldSubscribe(Guid subscription)
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Guid Subscription { get; } = subscription;

        public Task Released => _released.Task;

        public void Release() => _released.TrySetResult();
    }
}
