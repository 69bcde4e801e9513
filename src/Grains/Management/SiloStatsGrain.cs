using Orleans.Concurrency;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Placement;

namespace OrleansCache.Grains.Management;

/// <summary>Reports the figures of the silo it lives on, which is the silo its key names (<see cref="NamedSiloPlacement"/>).</summary>
/// <remarks>Reentrant: it only reads thread-safe counters, so concurrent askers need not queue behind each other.</remarks>
[GrainType(CacheGrainTypes.SiloStatsName), NamedSiloPlacement, Reentrant]
internal sealed class SiloStatsGrain(ILocalSiloDetails local, SiloMetricsCollector metrics, CacheEntryActivationCounter activations) : Grain, ISiloStatsGrain
{
    public Task<SiloStats> GetStatsAsync()
    {
        var address = local.SiloAddress.ToParsableString();

        // Placement guarantees this; the check keeps a misrouted activation from passing one silo's figures off as another's.
        if (!string.Equals(address, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            return Task.FromResult(SiloStatsReports.Missing(this.GetPrimaryKeyString(), local.Name, $"answered by {address} instead"));
        }

        var (counters, histograms) = metrics.Snapshot();
        return Task.FromResult(new SiloStats(address, local.Name, metrics.StartedAt, activations.Count, counters, histograms, Error: null));
    }
}
