using OrleansCache.Core.Management;

namespace OrleansCache.Runtime.Http;

/// <summary>What the dashboard shows, as <c>/api/cluster</c> returns it: the whole cluster, seen from one silo.</summary>
internal sealed record ClusterOverview
{
    /// <summary>The silo that answered.</summary>
    public required string Silo { get; init; }

    /// <summary>When it answered, by its clock.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>Every silo in the membership table.</summary>
    public IReadOnlyList<ClusterMember> Members { get; init; } = [];

    /// <summary>The running totals of every active silo.</summary>
    public IReadOnlyList<SiloOverview> Silos { get; init; } = [];

    /// <summary>The latest rejected inbound messages across the cluster, newest first.</summary>
    public IReadOnlyList<RejectedMessage> Rejections { get; init; } = [];
}
