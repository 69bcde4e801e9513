using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Membership;

namespace OrleansCache.Runtime.Placement;

/// <summary>
/// Decides, when a silo's view moves from one membership version to a later one, which of its grains may have had
/// another owner in between: their in-memory state can no longer be trusted and must be read again (docs/adr/0038).
/// </summary>
/// <remarks>
/// A silo does not see every table version: it reads the table at intervals, so a silo can join, own some of this
/// silo's grains, write them and die between two reads. Rendezvous hashing bounds what it can have taken: while this
/// silo stayed active, a grain this silo owns now could only have moved to a silo that outranks this one for it. So the
/// suspects are the grains that a silo this one never saw active, and that is no longer active, outranks here. Built
/// once per view change, then asked once per grain.
/// </remarks>
internal sealed class OwnershipFence
{
    private readonly MembershipView _next;
    private readonly PlacementCandidate _self;
    private readonly PlacementCandidate[] _unseen;

    public OwnershipFence(MembershipView previous, MembershipView next, SiloAddress self)
    {
        _next = next;
        _self = new PlacementCandidate(self);

        // With consecutive versions every owner in between was an owner in one of the two views: no unseen silo.
        _unseen = next.Version <= previous.Version + 1
            ? []
            : [.. next.Snapshot.Entries
                .Where(e => e.Status > SiloStatus.Active && !e.Silo.Equals(self) && !WasActive(previous, e.Silo))
                .Select(e => new PlacementCandidate(e.Silo))];
    }

    /// <summary>
    /// True if <paramref name="grainId"/>, which this silo owned in the previous view, may have been owned by another
    /// silo at some version up to the next view, or is not owned here in it.
    /// </summary>
    public bool MayHaveMovedAway(GrainId grainId)
    {
        if (!_self.Silo.Equals(RendezvousPlacement.SelectOwner(grainId, _next.Owners)))
        {
            return true;
        }

        if (_unseen.Length == 0)
        {
            return false;
        }

        var selfScore = RendezvousPlacement.Score(grainId, _self);
        foreach (var silo in _unseen)
        {
            if (RendezvousPlacement.Score(grainId, silo) > selfScore)
            {
                return true;
            }
        }

        return false;
    }

    private static bool WasActive(MembershipView view, SiloAddress silo)
    {
        foreach (var owner in view.Owners)
        {
            if (owner.Silo.Equals(silo))
            {
                return true;
            }
        }

        return false;
    }
}
