using OrleansCache.Redis.Client;

namespace OrleansCache.Client;

/// <summary>Redis for cache clients.</summary>
public static class RedisClientOptionsExtensions
{
    /// <summary>
    /// Finds gateways in the cluster's Redis membership table (the silos must use <c>UseRedisClustering</c>), so no
    /// gateway needs to be configured. Configured gateways, if any, are still tried too. Set the cluster id first: it
    /// names the table. The client owns the provider's connection.
    /// </summary>
    public static ClusterClientOptions UseRedisGatewayList(this ClusterClientOptions options, string connectionString, string? keyPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.GatewayListProvider = new RedisGatewayListProvider(connectionString, options.ClusterId, keyPrefix);
        return options;
    }

    /// <inheritdoc cref="UseRedisGatewayList(ClusterClientOptions, string, string?)"/>
    public static OrleansCacheClientOptions UseRedisGatewayList(this OrleansCacheClientOptions options, string connectionString, string? keyPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cluster.UseRedisGatewayList(connectionString, keyPrefix);
        return options;
    }
}
