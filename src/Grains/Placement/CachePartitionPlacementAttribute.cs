using Orleans.Placement;

namespace OrleansCache.Grains.Placement;

/// <summary>Marks a grain class as placed by <see cref="CachePartitionPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class CachePartitionPlacementAttribute() : PlacementAttribute(CachePartitionPlacement.Instance);
