using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Management;

/// <summary>One silo's cache figures, answered on that silo: the key is the silo's <c>SiloAddress.ToParsableString()</c>.</summary>
[Alias("oc.ISiloStatsGrain")]
internal interface ISiloStatsGrain : IGrainWithStringKey
{
    [Alias("GetStats")]
    Task<SiloStats> GetStatsAsync();
}
