using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using OrleansCache.Client;
using OrleansCache.Runtime;

namespace OrleansCache.TestingHost;

/// <summary>How a <see cref="TestCluster"/> is built.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Silos started by <see cref="TestCluster.StartAsync(TestClusterOptions, CancellationToken)"/>. Default 3.</summary>
    public int InitialSilos { get; set; } = 3;

    /// <summary>The cluster id; unique per cluster by default, so parallel test clusters never mix.</summary>
    public string ClusterId { get; set; } = $"test-{Guid.NewGuid():N}";

    /// <summary>
    /// How often silos heartbeat. Default 200 ms, much faster than production, so failure tests run quickly.
    /// </summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a silo may be silent before it is declared dead. Default 2 s.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock of every silo; set a <see cref="ManualTimeProvider"/> to drive timers from the test.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Serve the HTTP endpoints (health, readiness, metrics, dashboard) on every silo, each on a free loopback port
    /// (<see cref="TestSilo.HttpEndPoint"/>). Default false.
    /// </summary>
    public bool EnableHttp { get; set; }

    /// <summary>Extra configuration of each silo (grains, options), applied after the cluster's own.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>Extra configuration of each client, applied after the cluster's own.</summary>
    public Action<ClusterClientOptions>? ConfigureClient { get; set; }

    /// <summary>
    /// A shared secret (at least 32 characters) every silo requires and every client and silo of the cluster proves.
    /// Default none: no authentication.
    /// </summary>
    public string? SharedSecret { get; set; }

    /// <summary>
    /// A certificate (with its private key, naming <c>127.0.0.1</c>) the silos serve TLS with; the cluster's clients
    /// and silos then connect over TLS and trust it. Owned by the caller. Default none: plaintext.
    /// </summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Where silos and clients log; nothing by default.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
