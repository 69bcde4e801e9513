using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansCache.Redis.Connection;

namespace OrleansCache.Silo.Http;

/// <summary><c>/readyz</c> with Redis storage: Redis answers a PING within the operation timeout.</summary>
internal sealed class RedisStorageHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.RunAsync(db => db.PingAsync(), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("Redis storage answers", new Dictionary<string, object> { ["pingMs"] = latency.TotalMilliseconds });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The exception's message names the endpoint, never the password.
            return HealthCheckResult.Unhealthy("Redis storage does not answer", ex);
        }
    }
}
