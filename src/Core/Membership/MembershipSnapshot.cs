namespace OrleansCache.Core.Membership;

/// <summary>A consistent read of the whole membership table.</summary>
/// <param name="Version">Increases whenever a row is inserted, changes status or is removed; heartbeats do not change it.</param>
/// <param name="Entries">Every row, in no particular order.</param>
public sealed record MembershipSnapshot(long Version, IReadOnlyList<MembershipEntry> Entries)
{
    /// <summary>The gateway endpoints of the active silos.</summary>
    public IReadOnlyList<string> ActiveGateways() =>
        [.. Entries.Where(e => e.Status == SiloStatus.Active && e.GatewayEndPoint is not null).Select(e => e.GatewayEndPoint!)];
}
