using Microsoft.Extensions.Logging;
using OrleansCache.Client;

namespace OrleansCache.TestingHost;

/// <summary>How an <see cref="OrleansCacheTestCluster"/> is built.</summary>
public sealed class OrleansCacheTestClusterOptions
{
    /// <summary>Silos started by <see cref="OrleansCacheTestCluster.StartAsync(int, Action{OrleansCacheTestClusterOptions}?, CancellationToken)"/>. Default 3.</summary>
    public int InitialSilos { get; set; } = 3;

    /// <summary>More configuration of every silo, after the cache's (grains of the test, storage, options).</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>Configuration of the cache in every silo (e.g. <c>cache => cache.ConfigureOptions(o => ...)</c>).</summary>
    public Action<OrleansCacheSiloBuilder>? ConfigureCache { get; set; }

    /// <summary>Cache options of every client the cluster creates, before the client's own.</summary>
    public Action<OrleansCacheClientOptions>? ConfigureClient { get; set; }

    /// <summary>More configuration of every client's Orleans client builder.</summary>
    public Action<IClientBuilder>? ConfigureClientBuilder { get; set; }

    /// <summary>
    /// The clock of the cache in silos and clients (e.g. a <c>FakeTimeProvider</c>): entry and near-cache expiry,
    /// leases, and grain timers such as the feeds' heartbeats. Orleans' own background work (membership, messaging
    /// timeouts) and the clients' waiting, retrying and silence watchdogs stay on real time. Null: real time everywhere.
    /// </summary>
    /// <remarks>
    /// Feeds send heartbeats only as this clock advances, so a client would take real-time silence for a lost feed:
    /// give clients a <c>FeedSilenceTimeout</c> longer than the test (through <see cref="ConfigureClient"/>).
    /// </remarks>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Logging of silos and clients (default: none).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>How long starting, stopping and stabilizing may take before failing the test. Default 60 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}
