using System.Collections.Concurrent;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.Fusion;

/// <summary>
/// The order of the changes made through every FusionCache instance of a run. FusionCache keeps no versions, so each
/// change gets a write id that the stored value carries (<see cref="FusionValue"/>), and the changes of one key are
/// made one at a time across the instances with the id taken inside that turn: the ids then order a key's acknowledged
/// changes as Redis applied them, which the checker needs. (Two instances racing on one key would leave the order
/// unknowable; OrleansCache's grain orders them itself.) A change that cannot have its turn soon is not made at all.
/// </summary>
internal sealed class FusionChangeOrder
{
    /// <summary>
    /// How long a change waits for the key's turn before it is not made at all: a change stuck on one instance's lost
    /// connection (StackExchange.Redis queues commands up to its 5 s timeout) must not stall the other instances.
    /// </summary>
    private static readonly TimeSpan TurnWait = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);
    private long _lastId;
    private long _notMade;

    /// <summary>Changes not made because the key's turn did not come within the wait.</summary>
    public long NotMade => Interlocked.Read(ref _notMade);

    /// <summary>Makes <paramref name="change"/> (given its write id) in the key's turn; its version is the id's.</summary>
    public async Task<CacheVersion> ChangeAsync(string key, Func<long, Task> change, CancellationToken cancellationToken)
    {
        var turn = _turns.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        if (!await turn.WaitAsync(TurnWait, cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _notMade);
            throw new ChangeNotMadeException($"another change of {key} is still under way");
        }

        try
        {
            var id = Interlocked.Increment(ref _lastId);
            await change(id).ConfigureAwait(false);
            return FusionValue.VersionOf(id);
        }
        finally
        {
            turn.Release();
        }
    }
}
