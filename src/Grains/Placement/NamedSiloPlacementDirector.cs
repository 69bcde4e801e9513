using Orleans.Runtime.Placement;

namespace OrleansCache.Grains.Placement;

/// <summary>Places a grain on the silo its key names, or fails the activation when that silo cannot host it.</summary>
internal sealed class NamedSiloPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        SiloAddress named;
        try
        {
            named = SiloAddress.FromParsableString(key);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"Grain {target.GrainIdentity} must be keyed by a silo address (SiloAddress.ToParsableString()), not '{key}'.", nameof(target));
        }

        // A silo of an earlier generation on the same endpoint is a different silo: compare whole addresses.
        if (Array.IndexOf(context.GetCompatibleSilos(target), named) < 0)
        {
            throw new SiloUnavailableException($"Silo {named} is not an active silo that can host {target.GrainIdentity.Type}; it may have left the cluster.");
        }

        return Task.FromResult(named);
    }
}
