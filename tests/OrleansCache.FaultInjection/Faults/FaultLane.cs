using OrleansCache.FaultInjection.History;

namespace OrleansCache.FaultInjection.Faults;

/// <summary>
/// A sequence of faults, one at a time: each injected, then recovered from, then a quiet gap before the next. A run drives
/// its lanes side by side (ADR 0090, 0091): the silos' faults in one, Redis's in another, a client's own connection faults
/// in a third, so that faults of different parts of the system overlap.
/// </summary>
/// <param name="schedule">The lane's kinds, in the seeded order.</param>
/// <param name="injectAsync">Injects a kind and undoes it; null when it cannot be injected here (recorded as skipped).</param>
/// <param name="recoverAsync">Waits until what the fault touched serves again; false when it did not (an incident).</param>
/// <param name="nextGap">The pause after each fault's recovery.</param>
/// <param name="gate">
/// Shared with other lanes: a fault that takes it (<paramref name="takesGate"/>) is injected and recovered from while no
/// other lane's gated fault is under way. A Redis restart without its data replaces every silo, so it cannot overlap a
/// silo fault.
/// </param>
/// <param name="takesGate">Which of this lane's kinds take the gate (all of them when null).</param>
internal sealed class FaultLane(FaultSchedule schedule, Func<FaultKind, Task<FaultWindow?>> injectAsync, Func<FaultWindow, CancellationToken, Task<bool>> recoverAsync, Func<TimeSpan> nextGap, SemaphoreSlim? gate = null, Func<FaultKind, bool>? takesGate = null)
{
    /// <summary>
    /// Runs the lanes together until each has done <paramref name="rounds"/> rounds of its kinds or, with
    /// <paramref name="until"/>, until then. A lane whose system did not recover stops the others: the run is over.
    /// </summary>
    public static async Task RunSideBySideAsync(IReadOnlyList<FaultLane> lanes, int rounds, TimeSpan? until, RunClock clock, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAll(lanes.Select(async lane =>
        {
            try
            {
                if (!await lane.RunAsync(rounds, until, clock, stop.Token).ConfigureAwait(false))
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Another lane found the system not recovering.
            }
        })).ConfigureAwait(false);
    }

    /// <summary>The lane alone: see <see cref="RunSideBySideAsync"/>. False if the system did not recover from a fault.</summary>
    public async Task<bool> RunAsync(int rounds, TimeSpan? until, RunClock clock, CancellationToken cancellationToken)
    {
        var done = 0;
        while (true)
        {
            var kind = schedule.Next();
            var gated = gate is not null && (takesGate?.Invoke(kind) ?? true);
            if (gated)
            {
                await gate!.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                if (await injectAsync(kind).ConfigureAwait(false) is { } window && !await recoverAsync(window, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }
            finally
            {
                if (gated)
                {
                    gate!.Release();
                }
            }

            await Task.Delay(nextGap(), cancellationToken).ConfigureAwait(false);
            if (until is { } end ? clock.Now >= end : schedule.LeftInRound == 0 && ++done >= rounds)
            {
                return true;
            }
        }
    }
}
