using OrleansCache.Core;
using OrleansCache.Core.Membership;

namespace OrleansCache.Runtime;

/// <summary>The runtime's facts about one activation.</summary>
public interface IGrainContext
{
    /// <summary>The grain's id.</summary>
    GrainId GrainId { get; }

    /// <summary>
    /// Orders activations of the same grain: a later activation, anywhere in the cluster, has a larger epoch
    /// (see <see cref="ActivationEpoch"/>). Use it to fence writes of stale activations.
    /// </summary>
    ActivationEpoch Epoch { get; }

    /// <summary>The silo hosting this activation.</summary>
    SiloAddress Silo { get; }

    /// <summary>References to other grains.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>Deactivates the activation after its current call.</summary>
    void Deactivate(DeactivationReason reason);
}
