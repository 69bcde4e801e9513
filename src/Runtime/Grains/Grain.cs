using OrleansCache.Core;

namespace OrleansCache.Runtime;

/// <summary>
/// The base class of grain implementations. One instance lives per activation; the runtime runs its calls one at a time
/// (a call's awaits finish before the next call starts), so grain code needs no locks.
/// </summary>
/// <remarks>
/// Calls are not reentrant: a grain that calls back into itself, directly or through other grains, waits until the
/// call times out. Await grain calls plainly; <c>ConfigureAwait(false)</c> is harmless here but buys nothing.
/// </remarks>
public abstract class Grain
{
    private IGrainContext? _context;

    /// <summary>What the runtime knows about this activation.</summary>
    protected IGrainContext Context => _context ?? throw new InvalidOperationException("The grain is not activated yet; use OnActivateAsync rather than the constructor.");

    /// <summary>This grain's id.</summary>
    protected GrainId GrainId => Context.GrainId;

    /// <summary>References to other grains, called through the cluster.</summary>
    protected IGrainFactory GrainFactory => Context.GrainFactory;

    /// <summary>Called before the activation's first call runs. An exception fails the calls waiting for it.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called after the activation's last call, unless the silo crashed. Must finish promptly.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Asks the runtime to deactivate this activation once the current call returns.</summary>
    protected void DeactivateOnIdle() => Context.Deactivate(DeactivationReason.ApplicationRequested);

    internal void Attach(IGrainContext context) => _context = context;
}
