using Orleans.Runtime.Placement;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Placement;

/// <summary>Picks a partition's silo by rendezvous (highest random weight) hashing over the compatible silos.</summary>
internal sealed class CachePartitionPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        return Task.FromResult(SiloFor(PartitionOf(target.GrainIdentity), silos));
    }

    /// <summary>The partition of a cache grain: the key's hash for entry grains, the integer key for feeds and stores.</summary>
    internal static int PartitionOf(GrainId grain)
    {
        if (grain.Type.Equals(CacheGrainTypes.Entry))
        {
            return CachePartitions.Of(grain.Key.ToString()!);
        }

        return grain.TryGetIntegerKey(out var partition, out _) ? (int)partition : 0;
    }

    /// <summary>The silo with the highest weight for <paramref name="partition"/>; ties cannot happen between distinct silos in practice.</summary>
    internal static SiloAddress SiloFor(int partition, SiloAddress[] silos)
    {
        ArgumentOutOfRangeException.ThrowIfZero(silos.Length);
        SiloAddress best = silos[0];
        var bestWeight = 0UL;
        foreach (var silo in silos)
        {
            var weight = Mix(((ulong)silo.GetConsistentHashCode() << 32) | (uint)partition);
            if (weight > bestWeight || (weight == bestWeight && silo.CompareTo(best) < 0))
            {
                best = silo;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>SplitMix64's finalizer: spreads the combined bits so each silo's weights are independent per partition.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
