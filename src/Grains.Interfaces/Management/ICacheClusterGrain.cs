namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// What the cluster reports about itself for operators (the <c>orleans-cache stats</c> command, the dashboard): every
/// silo's cache figures. A stateless worker: key 0 runs on whichever silo receives the call and asks every other.
/// </summary>
[Alias("oc.ICacheClusterGrain")]
public interface ICacheClusterGrain : IGrainWithIntegerKey
{
    /// <summary>One report per active silo; a silo that does not answer in time is listed with <see cref="SiloStats.Error"/> set.</summary>
    [Alias("GetSiloStats")]
    Task<SiloStats[]> GetSiloStatsAsync();
}
