namespace OrleansCache.Core.Management;

/// <summary>
/// What operators ask of a running cluster: who its members are and what each silo's metrics say. Every silo hosts
/// it; the silo that runs a call asks the others, so one call answers for the whole cluster. Stateless: any key works,
/// and <see cref="DefaultKey"/> is as good as any.
/// </summary>
[GrainType("management")]
public interface IManagementGrain : IGrainWithStringKey
{
    /// <summary>The key tools use when they have no reason to pick another.</summary>
    public const string DefaultKey = "cluster";

    /// <summary>The most rejections <see cref="GetRecentRejectionsAsync"/> returns.</summary>
    public const int MaxRecentRejections = 50;

    /// <summary>
    /// Every silo in the membership table, dead ones included, with its activation count when the silo answered.
    /// </summary>
    [AlwaysInterleave]
    Task<ClusterMember[]> GetMembersAsync();

    /// <summary>The current metrics of every active silo (counters since the silo started, histograms, gauges).</summary>
    [AlwaysInterleave]
    Task<SiloStatistics[]> GetStatisticsAsync();

    /// <summary>
    /// The messages the active silos refused most recently (e.g. malformed Redis bridge messages), newest first, at most
    /// <see cref="MaxRecentRejections"/>. Each silo keeps only its last few, so this is a sample for operators, not a
    /// log; the rejection counters have the totals.
    /// </summary>
    [AlwaysInterleave]
    Task<RejectedMessage[]> GetRecentRejectionsAsync();
}
