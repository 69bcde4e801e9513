using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.History;

namespace OrleansCache.FaultInjection.Fusion;

/// <summary>
/// Injects one fault into a <see cref="FusionCacheFleet"/> and undoes it, as <see cref="FaultInjector"/> does for
/// silos: Redis restarted or paused, one instance cut off from Redis, one instance killed and replaced.
/// </summary>
internal sealed partial class FusionFaultInjector(FusionCacheFleet fleet, FaultDurations durations, Random random, RunClock clock, RunHistory history, ILogger logger)
{
    /// <summary>The kinds that apply to application instances on one Redis.</summary>
    public static bool Applies(FaultKind kind) => FaultSchedule.FusionCacheRound.Contains(kind);

    /// <summary>Injects <paramref name="kind"/> and undoes it; null (recorded as skipped) if it does not apply.</summary>
    public async Task<FaultWindow?> InjectAsync(FaultKind kind, CancellationToken cancellationToken)
    {
        var start = clock.Now;
        var detail = kind switch
        {
            FaultKind.RedisRestart => await RestartRedisAsync().ConfigureAwait(false),
            FaultKind.RedisPause => await PauseRedisAsync().ConfigureAwait(false),
            FaultKind.ClientCut => await CutAsync(fleet.Slots[random.Next(fleet.Slots.Count)]).ConfigureAwait(false),
            FaultKind.InstanceKill => await KillAsync(fleet.Slots[random.Next(fleet.Slots.Count)], cancellationToken).ConfigureAwait(false),
            _ => null,
        };
        if (detail is null)
        {
            history.Skipped.Enqueue($"{kind}: does not apply to FusionCache instances");
            return null;
        }

        var window = new FaultWindow(kind, detail, start, clock.Now, FaultBounds.Of(kind));
        history.Faults.Enqueue(window);
        LogInjected(logger, kind, detail, start.TotalSeconds, window.Healed.TotalSeconds);
        return window;
    }

    private async Task<string> RestartRedisAsync()
    {
        await fleet.Redis.RestartAsync().ConfigureAwait(false);
        return "redis-server killed and restarted on its append-only file";
    }

    private async Task<string> PauseRedisAsync()
    {
        await fleet.Redis.PauseAsync().ConfigureAwait(false);
        try
        {
            // The fault is Redis answering nothing for this long.
            await Task.Delay(durations.RedisPause).ConfigureAwait(false);
        }
        finally
        {
            await fleet.Redis.ResumeAsync().ConfigureAwait(false);
        }

        return string.Create(CultureInfo.InvariantCulture, $"redis-server stopped (SIGSTOP) for {durations.RedisPause.TotalSeconds:0.#} s");
    }

    private async Task<string> CutAsync(FusionInstanceSlot slot)
    {
        var instance = slot.Current;
        slot.Proxy.Cut();
        // The fault is the instance's Redis connections (L2 and backplane) gone, and refused, for this long.
        await Task.Delay(durations.ClientCut).ConfigureAwait(false);
        slot.Proxy.Restore();
        return string.Create(CultureInfo.InvariantCulture, $"{instance}'s Redis connections reset and refused for {durations.ClientCut.TotalSeconds:0.#} s");
    }

    private async Task<string> KillAsync(FusionInstanceSlot slot, CancellationToken cancellationToken)
    {
        var killed = slot.Current;
        var killedAt = clock.Now;
        await slot.ReplaceAsync(fleet.NextNumber(), cancellationToken).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture, $"{killed} disposed mid-operation, replaced by {slot.Current} after {(clock.Now - killedAt).TotalSeconds:0.0} s");
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Fault {Kind} (FusionCache): {Detail} (t={Start:0.000}s, healed t={Healed:0.000}s)")]
    private static partial void LogInjected(ILogger logger, FaultKind kind, string detail, double start, double healed);
}
