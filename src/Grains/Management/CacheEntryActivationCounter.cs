using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Orleans.Metadata;
using OrleansCache.Grains.Diagnostics;

namespace OrleansCache.Grains.Management;

/// <summary>
/// Counts the cache-entry grains active on this silo, through each activation's lifecycle, and publishes the count as
/// <c>orleanscache.cache.entries.active</c>.
/// </summary>
/// <remarks>
/// Orleans' own per-type activation counts (<c>IManagementGrain.GetSimpleGrainStatistics</c>) are kept in a static,
/// so silos that share a process (test clusters, an application's tests) would each report the sum of all of them.
/// </remarks>
internal sealed class CacheEntryActivationCounter : IConfigureGrainContextProvider, IConfigureGrainContext
{
    private int _count;

    public CacheEntryActivationCounter(IMeterFactory meterFactory)
    {
        // The factory returns the silo's one OrleansCache.Cache meter, which CacheSiloMetrics shares.
        meterFactory.Create(CacheSiloMetrics.MeterName).CreateObservableUpDownCounter(
            "orleanscache.cache.entries.active",
            () => (long)Count,
            description: "Cache-entry grains active on this silo now.");
    }

    /// <summary>Cache-entry grains active on this silo now.</summary>
    public int Count => Volatile.Read(ref _count);

    public bool TryGetConfigurator(GrainType grainType, GrainProperties properties, [NotNullWhen(true)] out IConfigureGrainContext? configurator)
    {
        configurator = grainType.Equals(CacheGrainTypes.Entry) ? this : null;
        return configurator is not null;
    }

    public void Configure(IGrainContext context) =>
        context.ObservableLifecycle.Subscribe(nameof(CacheEntryActivationCounter), GrainLifecycleStage.Activate, new Observer(this));

    /// <summary>One per activation: it counts down only what it counted up, whichever stages the activation reached.</summary>
    private sealed class Observer(CacheEntryActivationCounter owner) : ILifecycleObserver
    {
        private int _counted;

        public Task OnStart(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _counted, 1) == 0)
            {
                Interlocked.Increment(ref owner._count);
            }

            return Task.CompletedTask;
        }

        public Task OnStop(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _counted, 0) == 1)
            {
                Interlocked.Decrement(ref owner._count);
            }

            return Task.CompletedTask;
        }
    }
}
