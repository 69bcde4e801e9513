using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Client.Caching;

namespace OrleansCache.Client.Hosting;

/// <summary>
/// Starts the cache's feed subscriptions when its host (a cluster client, or a silo) becomes active, so broadcast
/// subscribers hear changes from the start and the first reads find their partitions subscribed; and ends them when
/// the host stops, while it can still reach the feeds, so they stop sending to a client that is going away.
/// </summary>
internal sealed class CacheClientLifecycleParticipant<TLifecycle>(IServiceProvider services) : ILifecycleParticipant<TLifecycle>
    where TLifecycle : ILifecycleObservable
{
    public void Participate(TLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(CacheClient),
            ServiceLifecycleStage.Active,
            _ =>
            {
                services.GetRequiredService<CacheClient>().Start();
                return Task.CompletedTask;
            },
            cancellationToken => services.GetRequiredService<CacheClient>().StopAsync(cancellationToken));
}
