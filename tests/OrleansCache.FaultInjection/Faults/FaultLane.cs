using OrleansCache.FaultInjection.History;

namespace OrleansCache.FaultInjection.Faults;

/// <summary>
/// A sequence of faults, one at a time: each injected, then recovered from, then a quiet gap before the next. A run drives
/// its lanes side by side (ADR 0090, 0091): the silos' faults in two (each on silos of its own), Redis's in another, a
/// client's own connection faults in another, so that faults of different parts of the system overlap.
/// </summary>
/// <param name="schedule">The lane's kinds, in the seeded order; two lanes may share one.</param>
/// <param name="injectAsync">Injects a kind and undoes it; null when it cannot be injected here (recorded as skipped).</param>
/// <param name="recoverAsync">Waits until what the fault touched serves again; false when it did not (an incident).</param>
/// <param name="nextGap">The pause after each fault's recovery.</param>
/// <param name="gate">
/// Shared by the lanes that touch silos: each fault enters it as <paramref name="gateUse"/> says, from its injection to
/// its recovery.
/// </param>
/// <param name="gateUse">How each of this lane's kinds enters the gate (none when null).</param>
internal sealed class FaultLane(FaultSchedule schedule, Func<FaultKind, Task<FaultWindow?>> injectAsync, Func<FaultWindow, CancellationToken, Task<bool>> recoverAsync, Func<TimeSpan> nextGap, FaultGate? gate = null, Func<FaultKind, FaultGateUse>? gateUse = null)
{
    /// <summary>
    /// Runs the lanes together until each has done <paramref name="rounds"/> rounds of its schedule or, with
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
        // A schedule shared with another lane counts the rounds of both: the lanes end when its last round is handed out.
        while (schedule.TryNext(until is null ? rounds : null, out var kind))
        {
            var use = gate is null ? FaultGateUse.None : gateUse?.Invoke(kind) ?? FaultGateUse.None;
            using (use == FaultGateUse.None ? null : await gate!.EnterAsync(use == FaultGateUse.Exclusive, cancellationToken).ConfigureAwait(false))
            {
                if (await injectAsync(kind).ConfigureAwait(false) is { } window)
                {
                    if (!await recoverAsync(window, cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }

                    window.ServedAgain = clock.Now;
                }
            }

            await Task.Delay(nextGap(), cancellationToken).ConfigureAwait(false);
            if (until is { } end && clock.Now >= end)
            {
                return true;
            }
        }

        return true;
    }
}
