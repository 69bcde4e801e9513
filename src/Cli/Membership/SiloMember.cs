namespace OrleansCache.Cli.Membership;

/// <summary>What <c>members</c> shows of one silo (its <c>--json</c> shape; see docs/cli.md).</summary>
/// <param name="Address">The silo's address, <c>ip:port@generation</c>.</param>
/// <param name="Name">The silo's name.</param>
/// <param name="Status">Its membership status: active, joining, shuttingDown, stopping, dead...</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="Gateway">Where clients connect to it, <c>ip:port</c>; null if it is no gateway.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="LastHeartbeat">When it last wrote "I am alive" to the membership table.</param>
/// <param name="CacheEntryActivations">Cache-entry grains active on it; null if it did not answer (it is not active).</param>
/// <param name="Activations">Grains of every type active on it; null likewise.</param>
internal sealed record SiloMember(
    string Address,
    string Name,
    SiloStatus Status,
    string Host,
    string? Gateway,
    DateTimeOffset StartTime,
    DateTimeOffset LastHeartbeat,
    int? CacheEntryActivations,
    int? Activations);
