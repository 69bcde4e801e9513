using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCache.Silo.Hosting;

namespace OrleansCache.Silo.Http;

/// <summary>
/// <c>/readyz</c>: this silo is Active in its own view of the cluster's membership (it has joined, and nobody declared
/// it dead) and is not stopping. In-memory entry storage lives in the silos, so it is reachable when they are;
/// external storage adds its own check with the tag <see cref="OperatorHttp.ReadyTag"/>.
/// </summary>
internal sealed class ClusterReadinessHealthCheck(
    SiloHostState state,
    ILocalSiloDetails local,
    IClusterMembershipService membership,
    IOptions<ClusterOptions> cluster) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(local.SiloAddress);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["silo"] = local.SiloAddress.ToParsableString(),
            ["clusterId"] = cluster.Value.ClusterId,
            ["status"] = status.ToString(),
            ["activeSilos"] = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active),
            ["membershipVersion"] = snapshot.Version.Value,
        };
        var result = state.IsStopping ? HealthCheckResult.Unhealthy("the silo is stopping", data: data)
            : status != SiloStatus.Active ? HealthCheckResult.Unhealthy($"the silo is {status}, not active in the cluster", data: data)
            : HealthCheckResult.Healthy("active in the cluster", data);
        return Task.FromResult(result);
    }
}
