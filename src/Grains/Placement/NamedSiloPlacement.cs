namespace OrleansCache.Grains.Placement;

/// <summary>
/// Places a grain on the silo its string key names (<c>SiloAddress.ToParsableString()</c>), so a caller can reach a
/// grain on each silo of the cluster, e.g. to ask every silo for its own figures.
/// </summary>
/// <remarks>
/// Orleans' stateless workers always activate on the silo that receives the call, and its default placement picks a
/// silo by load; neither lets one silo address another. If the named silo is not among the compatible silos (it is gone,
/// or not yet active), the activation fails with <see cref="SiloUnavailableException"/>: answering from another silo
/// would report the wrong silo's figures.
/// </remarks>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("oc.NamedSiloPlacement")]
public sealed class NamedSiloPlacement : PlacementStrategy
{
    internal static NamedSiloPlacement Instance { get; } = new();
}
