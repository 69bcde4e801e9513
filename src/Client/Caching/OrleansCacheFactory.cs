using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace OrleansCache.Client;

/// <summary>Creates cache clients without dependency injection.</summary>
public static class OrleansCacheFactory
{
    /// <summary>Creates a cache client with its own cluster connection; disposing the client closes it.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static IOrleansCacheClient Create(
        OrleansCacheClientOptions options,
        ICacheSerializer? serializer = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        OrleansCacheClientOptionsValidator.ThrowIfInvalid(options);
        var cluster = new ClusterClient(options.Cluster, timeProvider, loggerFactory);
        return new Caching.OrleansCacheClient(cluster, ownsCluster: true, options, serializer, timeProvider, loggerFactory, meterFactory);
    }
}
