using System.Collections.Concurrent;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.Fusion;

/// <summary>
/// The order of the changes made through every FusionCache instance of a run. FusionCache keeps no versions, so each
/// change gets a write id that the stored value carries (<see cref="FusionValue"/>), and the changes of one key are
/// made one at a time across the instances with the id taken inside that turn: the ids then order a key's acknowledged
/// changes as Redis applied them, which the checker needs. (Two instances racing on one key would leave the order
/// unknowable; OrleansCache's grain orders them itself.)
/// </summary>
internal sealed class FusionChangeOrder
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);
    private long _lastId;

    /// <summary>Makes <paramref name="change"/> (given its write id) in the key's turn; its version is the id's.</summary>
    public async Task<CacheVersion> ChangeAsync(string key, Func<long, Task> change, CancellationToken cancellationToken)
    {
        var turn = _turns.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
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
