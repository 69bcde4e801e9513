using OrleansCache.Core;
using OrleansCache.Core.Membership;

namespace OrleansCache.Runtime.Placement;

/// <summary>
/// Picks a grain's owner by rendezvous (highest-random-weight) hashing over the active silos: every silo with the same
/// view picks the same owner, and when a silo joins or leaves only the grains it wins or held move.
/// </summary>
internal static class RendezvousPlacement
{
    /// <summary>The owner of <paramref name="grainId"/> among <paramref name="silos"/>, or null if there are none.</summary>
    public static SiloAddress? SelectOwner(GrainId grainId, IReadOnlyList<PlacementCandidate> silos)
    {
        if (silos.Count == 0)
        {
            return null;
        }

        var grainHash = StableHash.Of(grainId.Type, grainId.Key);
        SiloAddress? best = null;
        var bestScore = 0UL;
        for (var i = 0; i < silos.Count; i++)
        {
            var score = Score(grainHash, silos[i]);
            if (best is null || score > bestScore)
            {
                best = silos[i].Silo;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>How strongly <paramref name="silo"/> claims <paramref name="grainId"/>: the highest score owns it.</summary>
    public static ulong Score(GrainId grainId, PlacementCandidate silo) => Score(StableHash.Of(grainId.Type, grainId.Key), silo);

    private static ulong Score(ulong grainHash, PlacementCandidate silo) => StableHash.Mix(grainHash ^ silo.Hash);
}

/// <summary>A silo eligible to own grains, with its precomputed hash.</summary>
internal sealed record PlacementCandidate(SiloAddress Silo)
{
    public ulong Hash { get; } = StableHash.Of(Silo.ToString());
}
