using Microsoft.Extensions.Logging;

namespace OrleansCache.Client;

/// <summary>Creates cluster clients without dependency injection.</summary>
public static class ClusterClientFactory
{
    /// <summary>Creates a client; it connects on <see cref="IClusterClient.ConnectAsync"/> or on its first call.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static IClusterClient Create(ClusterClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        new ClusterClient(options, timeProvider, loggerFactory);
}
