using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Membership;

namespace OrleansCache.Runtime.Placement;

/// <summary>Who owns a grain in this silo's current view.</summary>
internal sealed class GrainOwnership(MembershipService membership, LocalSiloDetails local)
{
    /// <summary>The owner of <paramref name="grainId"/>, or null if no silo is active.</summary>
    public SiloAddress? OwnerOf(GrainId grainId) => RendezvousPlacement.SelectOwner(grainId, membership.CurrentView.Owners);

    /// <summary>True if this silo owns <paramref name="grainId"/> now.</summary>
    public bool IsLocal(GrainId grainId) => local.Address.Equals(OwnerOf(grainId));
}
