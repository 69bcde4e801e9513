namespace OrleansCache.Grains.Placement;

/// <summary>
/// Places a partition's grains together: its feed and store (keyed by partition number) and the cache-entry grains of
/// its keys all go to the silo that rendezvous hashing picks for the partition among the compatible silos. Every silo
/// computes the same answer from the same silo set, so a change travels from a key's grain to its feed within one silo.
/// </summary>
/// <remarks>
/// Orleans' default (resource-optimized) placement puts most new grains on the emptiest or local silo; hashing spreads
/// partitions evenly and moves only about 1/N of them when a silo joins or leaves (docs/adr/0043).
/// </remarks>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("oc.CachePartitionPlacement")]
public sealed class CachePartitionPlacement : PlacementStrategy
{
    internal static CachePartitionPlacement Instance { get; } = new();
}
