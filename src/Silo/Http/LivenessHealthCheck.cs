using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansCache.Silo.Hosting;

namespace OrleansCache.Silo.Http;

/// <summary>
/// <c>/healthz</c>: the process runs and serves HTTP. It depends on nothing outside the process (not Redis, not other
/// silos), so an orchestrator restarts the silo only when restarting can help; a silo the cluster declared dead stops
/// by itself.
/// </summary>
internal sealed class LivenessHealthCheck(SiloHostState state, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("the process is running", new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["uptimeSeconds"] = Math.Round((time.GetUtcNow() - state.CreatedAt).TotalSeconds, 1),
            ["processId"] = Environment.ProcessId,
        }));
}
