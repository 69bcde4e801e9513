using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Microsoft.Extensions.Options;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Management;

/// <summary>
/// Asks every active silo, at once, for its figures (<see cref="ISiloStatsGrain"/>, placed on that silo), each with
/// <see cref="CacheSiloOptions.SiloStatsTimeout"/>: a slow or dying silo is reported with an error, never waited for.
/// </summary>
/// <remarks>A stateless worker: it runs on whichever silo receives the call, and any silo knows the whole membership.</remarks>
[GrainType(CacheGrainTypes.ClusterName), StatelessWorker, Reentrant]
internal sealed partial class CacheClusterGrain(
    IClusterMembershipService membership,
    TimeProvider time,
    IOptions<CacheSiloOptions> options,
    ILogger<CacheClusterGrain> logger) : Grain, ICacheClusterGrain
{
    private readonly TimeSpan _timeout = options.Value.SiloStatsTimeout;

    public async Task<SiloStats[]> GetSiloStatsAsync()
    {
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .OrderBy(m => m.SiloAddress)
            .ToList();
        return await Task.WhenAll(silos.Select(AskAsync));
    }

    private async Task<SiloStats> AskAsync(ClusterMember silo)
    {
        var address = silo.SiloAddress.ToParsableString();
        try
        {
            return await GrainFactory.GetGrain<ISiloStatsGrain>(address).GetStatsAsync().WaitAsync(_timeout, time);
        }
        catch (TimeoutException)
        {
            LogSiloSlow(logger, silo.SiloAddress, _timeout);
            return SiloStatsReports.Missing(address, silo.Name, $"did not answer within {_timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex)
        {
            // One silo's failure (it died meanwhile, it refused the activation) must not hide the others' figures.
            LogSiloFailed(logger, silo.SiloAddress, ex);
            return SiloStatsReports.Missing(address, silo.Name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
