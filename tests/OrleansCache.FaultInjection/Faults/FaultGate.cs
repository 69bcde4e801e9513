namespace OrleansCache.FaultInjection.Faults;

/// <summary>
/// Lets the silos' lanes inject side by side while keeping apart the faults that must not overlap a silo fault (ADR
/// 0091): a shared entry for an ordinary silo fault, held from its injection to its recovery, and an exclusive one for
/// a fault that takes more than one silo (two killed at once, the hot keys' owner wherever it runs, every silo replaced
/// after Redis lost its data). Exclusive entries wait for the shared ones to leave and hold back new ones.
/// </summary>
internal sealed class FaultGate : IDisposable
{
    private readonly SemaphoreSlim _permits;
    private readonly SemaphoreSlim _exclusive = new(1, 1);
    private readonly int _capacity;

    /// <param name="lanes">How many lanes may hold a shared entry at once.</param>
    public FaultGate(int lanes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        _capacity = lanes;
        _permits = new SemaphoreSlim(lanes, lanes);
    }

    /// <summary>Enters, shared or exclusive; dispose the result to leave.</summary>
    public async Task<IDisposable> EnterAsync(bool exclusive, CancellationToken cancellationToken)
    {
        if (!exclusive)
        {
            await _permits.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Entry(() => _permits.Release());
        }

        // One exclusive entrant at a time gathers every permit, so two of them never hold half each.
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        var taken = 0;
        try
        {
            for (; taken < _capacity; taken++)
            {
                await _permits.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            ReleaseExclusive(taken);
            throw;
        }

        return new Entry(() => ReleaseExclusive(_capacity));
    }

    public void Dispose()
    {
        _permits.Dispose();
        _exclusive.Dispose();
    }

    private void ReleaseExclusive(int permits)
    {
        if (permits > 0)
        {
            _permits.Release(permits);
        }

        _exclusive.Release();
    }

    private sealed class Entry(Action leave) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                leave();
            }
        }
    }
}
