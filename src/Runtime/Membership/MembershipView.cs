using System.Collections.Frozen;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Placement;

namespace OrleansCache.Runtime.Membership;

/// <summary>One silo's current picture of the cluster: who may own grains, and where the gateways are.</summary>
internal sealed class MembershipView
{
    public static readonly MembershipView Empty = new(-1, new MembershipSnapshot(-1, []));

    public MembershipView(long version, MembershipSnapshot snapshot)
    {
        Version = version;
        Snapshot = snapshot;
        // Sorted so that every silo enumerates candidates in the same order.
        Owners = [.. snapshot.Entries
            .Where(e => e.Status == SiloStatus.Active)
            .Select(e => e.Silo)
            .OrderBy(s => s.ToString(), StringComparer.Ordinal)
            .Select(s => new PlacementCandidate(s))];
        Gateways = snapshot.ActiveGateways();
        Dead = snapshot.Entries.Where(e => e.Status == SiloStatus.Dead).Select(e => e.Silo).ToFrozenSet();
    }

    /// <summary>The membership table version this view was built from.</summary>
    public long Version { get; }

    public MembershipSnapshot Snapshot { get; }

    /// <summary>The silos that may own grains: the active ones.</summary>
    public IReadOnlyList<PlacementCandidate> Owners { get; }

    /// <summary>Gateway endpoints of the active silos.</summary>
    public IReadOnlyList<string> Gateways { get; }

    /// <summary>The silos this view lists as declared dead (looked up on every call a peer silo forwards).</summary>
    public FrozenSet<SiloAddress> Dead { get; }

    public MembershipEntry? Find(SiloAddress silo) => Snapshot.Entries.FirstOrDefault(e => e.Silo.Equals(silo));
}
