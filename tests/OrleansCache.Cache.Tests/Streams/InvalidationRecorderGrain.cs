using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cache.Tests.Streams;

/// <summary>
/// An application's grain as docs/streams.md shows it: subscribed implicitly to the keys' namespace (activated per key,
/// hearing only its key) and to the broad namespace (the grain <c>*</c> hears pattern, tag and "all").
/// </summary>
[ImplicitStreamSubscription(CacheInvalidationEvent.DefaultKeyNamespace)]
[ImplicitStreamSubscription(CacheInvalidationEvent.DefaultBroadNamespace)]
public sealed class InvalidationRecorderGrain : Grain, IInvalidationRecorderGrain, IStreamSubscriptionObserver
{
    private readonly List<CacheInvalidationEvent> _events = [];

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<CacheInvalidationEvent>().ResumeAsync((item, _) =>
        {
            _events.Add(item);
            return Task.CompletedTask;
        });

    public Task<CacheInvalidationEvent[]> GetEventsAsync() => Task.FromResult(_events.ToArray());
}
