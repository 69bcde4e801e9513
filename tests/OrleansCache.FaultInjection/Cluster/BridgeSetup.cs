using System.Globalization;
using OrleansCache.FaultInjection.Workload;

namespace OrleansCache.FaultInjection.Cluster;

/// <summary>
/// The Redis bridge as the run's silos are configured (every inbound path on) and as its publisher uses it: which key
/// each path's messages name, on which channel, stream or Redis key.
/// </summary>
internal static class BridgeSetup
{
    /// <summary>The canonical channel (the bridge's default).</summary>
    public const string CanonicalChannel = "cache:invalidate";

    public const string TypedChannel = "fi:typed";

    public const string StreamKey = "fi:stream";

    /// <summary>
    /// How long a stream entry a silo read but did not acknowledge (it died) waits before another silo takes it over.
    /// Shorter than the default 30 s so a run sees it within a fault's recovery; longer than any apply takes without one.
    /// </summary>
    public static readonly TimeSpan StreamClaimAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long after a membership change two silos may both apply a pub/sub message (<c>RedisBridge:ViewChangeGrace</c>,
    /// default 30 s): a duplicate within it is documented, not a fault.
    /// </summary>
    public static readonly TimeSpan ViewChangeGrace = TimeSpan.FromSeconds(30);

    /// <summary>The silo flags that switch every inbound path on (the canonical channel is on by default).</summary>
    public static IReadOnlyList<string> SiloFlags { get; } =
    [
        $"--RedisBridge:TypedChannels:0:Channel={TypedChannel}", $"--RedisBridge:TypedChannels:0:Prefix={Prefix(BridgePath.Typed)}",
        $"--RedisBridge:KeyspacePrefixes:0={Prefix(BridgePath.Keyspace)}",
        $"--RedisBridge:StreamKey={StreamKey}", $"--RedisBridge:StreamClaimAfter={StreamClaimAfter.ToString("c", CultureInfo.InvariantCulture)}",
    ];

    /// <summary>The key prefix of each path's keys: keys only the bridge probes touch, outside the workload's patterns.</summary>
    public static string Prefix(BridgePath path) => path switch
    {
        BridgePath.Canonical => "brc:",
        BridgePath.Typed => "brt:",
        BridgePath.Keyspace => "brk:",
        _ => "brs:",
    };

    /// <summary>Pub/sub paths may lose a message when a silo or Redis fails (documented); the stream may not.</summary>
    public static bool IsPubSub(BridgePath path) => path != BridgePath.Stream;
}
