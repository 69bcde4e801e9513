namespace OrleansCache.Silo.Http;

/// <summary>What the dashboard shows, as <c>/api/cluster</c> returns it: the whole cluster, seen from one silo.</summary>
/// <param name="Silo">The silo that answered.</param>
/// <param name="Time">When it answered, by its clock.</param>
/// <param name="Members">Every silo in the membership table, dead ones too.</param>
/// <param name="Silos">The cache figures of every active silo.</param>
internal sealed record ClusterOverview(string Silo, DateTimeOffset Time, IReadOnlyList<ClusterMemberView> Members, IReadOnlyList<SiloFiguresView> Silos);
