using Orleans.Placement;

namespace OrleansCache.Grains.Placement;

/// <summary>Marks a grain class as placed by <see cref="NamedSiloPlacement"/>: its key names its silo.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class NamedSiloPlacementAttribute() : PlacementAttribute(NamedSiloPlacement.Instance);
