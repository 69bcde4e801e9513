namespace OrleansCache.Silo.Http;

/// <summary>One row of Orleans' membership table.</summary>
internal sealed record ClusterMemberView(string Address, string? Name, string Status, int Generation, string? Gateway, DateTimeOffset StartTime, DateTimeOffset LastHeartbeat);
