using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>
/// Failure detection tuned so a crashed silo is declared dead in seconds, not Orleans' default ~11 s, and a client that
/// lost its connection to a gateway is let go in seconds, not Orleans' default minute.
/// </summary>
public static class FastFailureDetectionExtensions
{
    /// <summary>How long a silo waits for a probe's answer (Orleans' default: 5 s).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes before a silo suspects its peer (Orleans' default: 3).</summary>
    public const int MissedProbesLimit = 2;

    /// <summary>How often a silo rereads the membership table (Orleans' default: 60 s).</summary>
    public static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a gateway keeps a client that lost its connection, and the messages for it (Orleans' default: 1 min).
    /// </summary>
    /// <remarks>
    /// A silo hands every message for a client to its own gateway first if that gateway still knows the client, even a
    /// reply addressed to another gateway. A client that reconnects through a different gateway (the one it lost stays
    /// marked dead for a while) therefore gets no reply from grains on that silo until the client is dropped there: the
    /// test of a client cut off and restored saw partitions unable to resubscribe for exactly that minute. Dropping
    /// rejects the held messages, so callers retry at once. A client loses nothing it relies on by being dropped: it
    /// resynchronizes every partition when a gateway is lost anyway.
    /// </remarks>
    public static readonly TimeSpan ClientDropTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Declares a crashed silo dead in about 1.5 s on a quiet network (measured with 3 silo processes on Redis
    /// clustering, docs/configuration.md): probes time out after <see cref="ProbeTimeout"/>, two missed probes make a
    /// suspicion, and silos reread the table every <see cref="TableRefreshTimeout"/>. The price is more probe and table
    /// traffic. A silo that goes silent without its connections closing (a partition, a stalled VM) is declared dead
    /// later: after 8–11 s in the fault runner's partitions (docs/reliability.md); it must then restart. Gateways let a
    /// disconnected client go after <see cref="ClientDropTimeout"/> (checked as often), so a client that came back
    /// through another gateway gets every reply within about twice that.
    /// </summary>
    public static ISiloBuilder UseFastFailureDetection(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configure<SiloMessagingOptions>(o => o.ClientDropTimeout = ClientDropTimeout);
        return builder.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.NumMissedProbesLimit = MissedProbesLimit;
            o.TableRefreshTimeout = TableRefreshTimeout;
        });
    }
}
