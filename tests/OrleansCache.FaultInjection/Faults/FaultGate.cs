using Nito.AsyncEx;

namespace OrleansCache.FaultInjection.Faults;

/// <summary>
/// Lets the silos' lanes inject side by side while keeping apart the faults that must not overlap a silo fault (ADR
/// 0091): a shared entry for an ordinary silo fault, held from its injection to its recovery, and an exclusive one for
/// a fault that takes more than one silo (two killed at once, the hot keys' owner wherever it runs, every silo replaced
/// after Redis lost its data). Exclusive entries wait for the shared ones to leave and hold back new ones: Nito's
/// reader-writer lock, which prefers writers.
/// </summary>
internal sealed class FaultGate
{
    private readonly AsyncReaderWriterLock _lock = new();

    /// <summary>Enters, shared or exclusive; dispose the result to leave (leaving twice leaves once).</summary>
    public async Task<IDisposable> EnterAsync(bool exclusive, CancellationToken cancellationToken) =>
        exclusive ? await _lock.WriterLockAsync(cancellationToken) : await _lock.ReaderLockAsync(cancellationToken);
}
