using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansCache.FaultInjection.Cluster;
using OrleansCache.FaultInjection.History;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.TestSupport.Processes;
using OrleansCache.TestSupport.Waiting;

namespace OrleansCache.FaultInjection.Faults;

/// <summary>
/// Injects one fault and undoes it; recovery (every client served again) is the run's to wait for. Each of a run's fault
/// lanes has an injector of its own (their faults overlap; an injector's state is its lane's).
/// </summary>
/// <param name="slots">The silos this injector's single-silo faults pick from (every slot when null): two silos' lanes fault disjoint silos.</param>
/// <param name="partitionTurns">Shared by injectors whose lanes share a schedule (a new one when null).</param>
internal sealed partial class FaultInjector(SiloCluster cluster, IReadOnlyList<FaultClient> clients, FaultClient admin, FaultDurations durations, Random random, RunClock clock, RunHistory history, ILogger logger, IReadOnlyList<SiloSlot>? slots = null, PartitionTurns? partitionTurns = null)
{
    /// <summary>How long a silo may take to hand over and exit after SIGTERM (Orleans' own shutdown has its timeouts).</summary>
    private static readonly TimeSpan GracefulStopLimit = TimeSpan.FromSeconds(60);

    /// <summary>How long a silo declared dead during a partition may keep running after healing before that is a violation.</summary>
    private static readonly TimeSpan FailStopLimit = TimeSpan.FromSeconds(60);

    /// <summary>How long the others may take to declare a killed silo dead (about 2 s with the silo's failure detection).</summary>
    private static readonly TimeSpan DeathLimit = TimeSpan.FromSeconds(30);

    /// <summary>Two killed silos need two votes each from the survivors (Orleans' <c>NumVotesForDeathDeclaration</c>).</summary>
    internal const int MinimumSilosForDoubleKill = 4;

    private readonly PartitionTurns _partitionTurns = partitionTurns ?? new();

    // When Redis came back empty in the fault being injected (changes begun before it may be lost).
    private TimeSpan? _dataLostUntil;

    // The client whose connections the fault being injected touches, if it is a client's fault.
    private FaultClient? _client;

    /// <summary>Injects <paramref name="kind"/> and undoes it; null if it cannot be injected here (recorded as skipped).</summary>
    public async Task<FaultWindow?> InjectAsync(FaultKind kind)
    {
        var start = clock.Now;
        _dataLostUntil = null;
        _client = null;
        var detail = kind switch
        {
            FaultKind.SiloKill => await KillAsync(RandomRunningSlot()).ConfigureAwait(false),
            FaultKind.OwnerKill => await KillAsync(await cluster.OwnerOfAsync(admin.Orleans, KeySpace.HotKeyOwnerProbe).ConfigureAwait(false) ?? RandomRunningSlot()).ConfigureAwait(false),
            FaultKind.DoubleKill => await KillTwoAsync().ConfigureAwait(false),
            FaultKind.SiloRestart => await RestartAsync(RandomRunningSlot()).ConfigureAwait(false),
            FaultKind.ClientCut => await CutAsync(RandomClient()).ConfigureAwait(false),
            FaultKind.ClientStall => await StallAsync(RandomClient()).ConfigureAwait(false),
            FaultKind.ClientDelay => await DelayAsync(RandomClient()).ConfigureAwait(false),
            FaultKind.RedisRestart => await RestartRedisAsync().ConfigureAwait(false),
            FaultKind.RedisRestartEmpty => await RestartRedisEmptyAsync().ConfigureAwait(false),
            FaultKind.RedisPause => await PauseRedisAsync().ConfigureAwait(false),
            FaultKind.Partition => await PartitionAsync(RandomRunningSlot()).ConfigureAwait(false),
            FaultKind.SiloPause => await PauseSiloAsync(RandomRunningSlot()).ConfigureAwait(false),
            FaultKind.SiloIsolation => await IsolateAsync(RandomRunningSlot()).ConfigureAwait(false),
            FaultKind.SiloRedisCut => await CutFromRedisAsync(RandomRunningSlot()).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown fault kind."),
        };
        if (detail is null)
        {
            return null;
        }

        var window = new FaultWindow(kind, detail, start, clock.Now, FaultBounds.Of(kind)) { DataLostUntil = _dataLostUntil, Client = _client?.Number };
        history.Faults.Enqueue(window);
        LogInjected(logger, kind, detail, start.TotalSeconds, window.Healed.TotalSeconds);
        return window;
    }

    private FaultClient RandomClient() => _client = clients[random.Next(clients.Count)];

    private SiloSlot RandomRunningSlot()
    {
        var running = (slots ?? cluster.Slots).Where(s => s.IsRunning).ToList();
        return running[random.Next(running.Count)];
    }

    private async Task<string> KillAsync(SiloSlot slot)
    {
        var detail = $"kill -9 of {slot}";
        var killed = clock.Now;
        await slot.KillAsync().ConfigureAwait(false);
        var dead = await ReplaceOnceDeclaredDeadAsync(slot).ConfigureAwait(false);
        return detail + string.Create(CultureInfo.InvariantCulture, $", declared dead after {(dead - killed).TotalSeconds:0.0} s, replacement active after {(clock.Now - dead).TotalSeconds:0.0} s more");
    }

    /// <summary>Two silos killed at once (the hot keys' owner and another), both replaced; null with fewer than four running.</summary>
    private async Task<string?> KillTwoAsync()
    {
        var running = cluster.Slots.Where(s => s.IsRunning).ToList();
        if (running.Count < MinimumSilosForDoubleKill)
        {
            return null;
        }

        var owner = await cluster.OwnerOfAsync(admin.Orleans, KeySpace.HotKeyOwnerProbe).ConfigureAwait(false) ?? running[random.Next(running.Count)];
        var others = running.Where(s => s != owner).ToList();
        var second = others[random.Next(others.Count)];
        var detail = $"kill -9 of {owner} and {second} at once";
        var killed = clock.Now;
        await Task.WhenAll(owner.KillAsync(), second.KillAsync()).ConfigureAwait(false);
        var dead = await ReplaceOnceDeclaredDeadAsync(owner, second).ConfigureAwait(false);
        return detail + string.Create(CultureInfo.InvariantCulture, $", both declared dead after {(dead - killed).TotalSeconds:0.0} s, replacements active after {(clock.Now - dead).TotalSeconds:0.0} s more");
    }

    /// <summary>
    /// Starts the replacement once the others have declared the old silo dead: a silo joining while a dead one is still
    /// listed active waits for it (the join checks connectivity to every active silo), which only slows the run.
    /// </summary>
    private async Task<string> WaitUntilDeclaredDeadAsync(SiloSlot slot, string fault = "partitioned")
    {
        var from = clock.Now;
        if (await DeclaredDeadWithinLimitAsync([slot]).ConfigureAwait(false))
        {
            return string.Create(CultureInfo.InvariantCulture, $", declared dead after {(clock.Now - from).TotalSeconds:0.0} s");
        }

        history.Incidents.Enqueue($"{slot} was {fault} and not declared dead within {DeathLimit.TotalSeconds:0} s (t={from.TotalSeconds:0.000}s)");
        return ", never declared dead";
    }

    /// <summary>
    /// Waits until membership no longer lists the stopped silos as active, then replaces each. Only these silos: another
    /// lane's fault may have a silo of its own down meanwhile.
    /// </summary>
    /// <returns>When they were declared dead (run clock).</returns>
    private async Task<TimeSpan> ReplaceOnceDeclaredDeadAsync(params SiloSlot[] stopped)
    {
        if (!await DeclaredDeadWithinLimitAsync(stopped).ConfigureAwait(false))
        {
            history.Incidents.Enqueue($"{string.Join(" and ", stopped.Select(s => s.ToString()))} not declared dead within {DeathLimit.TotalSeconds:0} s of the fault (t={clock.Now.TotalSeconds:0.000}s)");
        }

        var dead = clock.Now;
        await Task.WhenAll(stopped.Select(ReplaceAsync)).ConfigureAwait(false);
        return dead;
    }

    /// <summary>Waits up to <see cref="DeathLimit"/> until membership lists none of <paramref name="silos"/> as active.</summary>
    private async Task<bool> DeclaredDeadWithinLimitAsync(IReadOnlyList<SiloSlot> silos)
    {
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return await cluster.AreDeclaredDeadAsync(admin.Orleans, silos).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The management call may fail while the cluster reconfigures: look again.
                    return false;
                }
            }, $"{string.Join(" and ", silos.Select(s => s.ToString()))} declared dead", DeathLimit).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts a replacement; one that is slow to start (a starved machine) or that ended while starting (a silo that
    /// cannot reach Redis at its start stops with an error) is left to the run's recovery, which waits for it or replaces
    /// it again.
    /// </summary>
    private async Task ReplaceAsync(SiloSlot slot)
    {
        try
        {
            await cluster.ReplaceAsync(slot).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            history.Events.Enqueue(string.Create(CultureInfo.InvariantCulture, $"t={clock.Now.TotalSeconds:0.0}s: the replacement {slot} was not active within 60 s of its start; recovery waited for it"));
        }
        catch (SiloExitedException ex)
        {
            history.Events.Enqueue(string.Create(CultureInfo.InvariantCulture, $"t={clock.Now.TotalSeconds:0.0}s: the replacement {slot} ended while starting; recovery replaces it. {ex.Message}"));
        }
    }

    private async Task<string> RestartAsync(SiloSlot slot)
    {
        var detail = $"SIGTERM of {slot}";
        var stopping = clock.Now;
        try
        {
            await slot.TerminateAsync(GracefulStopLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            history.Incidents.Enqueue($"{slot} did not finish its graceful stop within {GracefulStopLimit.TotalSeconds:0} s of SIGTERM (t={stopping.TotalSeconds:0.000}s)");
        }

        var stopped = clock.Now;
        await ReplaceOnceDeclaredDeadAsync(slot).ConfigureAwait(false);
        return detail + string.Create(CultureInfo.InvariantCulture, $", stopped in {(stopped - stopping).TotalSeconds:0.0} s, replacement active after {(clock.Now - stopped).TotalSeconds:0.0} s more");
    }

    private async Task<string> CutAsync(FaultClient client)
    {
        client.Cut();
        // The fault is the connection being gone for this long.
        await Task.Delay(durations.ClientCut).ConfigureAwait(false);
        client.Restore();
        return string.Create(CultureInfo.InvariantCulture, $"{client} cut off for {durations.ClientCut.TotalSeconds:0.#} s");
    }

    private async Task<string> StallAsync(FaultClient client)
    {
        client.Stall();
        await Task.Delay(durations.ClientStall).ConfigureAwait(false);
        client.Unstall();
        return string.Create(CultureInfo.InvariantCulture, $"{client}'s connections stalled for {durations.ClientStall.TotalSeconds:0.#} s");
    }

    private async Task<string> DelayAsync(FaultClient client)
    {
        client.Delay(durations.ClientLatency);
        await Task.Delay(durations.ClientDelay).ConfigureAwait(false);
        client.Unstall();
        return string.Create(CultureInfo.InvariantCulture, $"{client}'s connections {durations.ClientLatency.TotalMilliseconds:0} ms late for {durations.ClientDelay.TotalSeconds:0.#} s");
    }

    private async Task<string> RestartRedisAsync()
    {
        await cluster.Redis.RestartAsync().ConfigureAwait(false);
        return "redis-server killed and restarted on its append-only file";
    }

    /// <summary>
    /// Redis back empty: Orleans' membership table is gone with the entries, so every silo must find its row missing and
    /// stop itself (<c>MembershipTableLossWatch</c>) within <see cref="FailStopLimit"/>; then all are replaced, and the new
    /// silos write the table anew. A silo still running past the limit is an incident, and is killed.
    /// </summary>
    private async Task<string> RestartRedisEmptyAsync()
    {
        var running = cluster.Slots.Where(s => s.IsRunning).ToList();
        await cluster.Redis.RestartEmptyAsync().ConfigureAwait(false);
        var back = clock.Now;
        _dataLostUntil = back;
        var stopped = await Task.WhenAll(running.Select(async slot =>
        {
            try
            {
                await slot.Process!.WaitForExitAsync(FailStopLimit).ConfigureAwait(false);
                return clock.Now - back;
            }
            catch (TimeoutException)
            {
                history.Incidents.Enqueue($"{slot} still ran {FailStopLimit.TotalSeconds:0} s after Redis came back empty (its membership row gone); its last lines: {string.Join(" | ", slot.Process!.LastLines(12))}");
                await slot.KillAsync().ConfigureAwait(false);
                return FailStopLimit;
            }
        })).ConfigureAwait(false);
        var replacing = clock.Now;
        await Task.WhenAll(running.Select(ReplaceAsync)).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture, $"redis-server killed and restarted empty; its {running.Count} silos stopped themselves {stopped.Min().TotalSeconds:0.0}–{stopped.Max().TotalSeconds:0.0} s after, replacements active after {(clock.Now - replacing).TotalSeconds:0.0} s more");
    }

    private async Task<string> PauseRedisAsync()
    {
        await cluster.Redis.PauseAsync().ConfigureAwait(false);
        try
        {
            // The fault is Redis answering nothing for this long.
            await Task.Delay(durations.RedisPause).ConfigureAwait(false);
        }
        finally
        {
            await cluster.Redis.ResumeAsync().ConfigureAwait(false);
        }

        return string.Create(CultureInfo.InvariantCulture, $"redis-server stopped (SIGSTOP) for {durations.RedisPause.TotalSeconds:0.#} s");
    }

    private async Task<string?> PartitionAsync(SiloSlot slot)
    {
        if (cluster.Network is null)
        {
            return null;
        }

        // Alternately shorter than failure detection (ride it out) and until the others declare it dead (fail-stop).
        var longOne = _partitionTurns.NextIsLong();
        var partitioned = clock.Now;
        await cluster.Network.PartitionAsync(slot.Index).ConfigureAwait(false);
        var declared = "";
        try
        {
            if (longOne)
            {
                declared = await WaitUntilDeclaredDeadAsync(slot).ConfigureAwait(false);
            }

            // The fault is the silo unreachable for (at least) this long.
            await Task.Delay(durations.ShortPartition).ConfigureAwait(false);
        }
        finally
        {
            await cluster.Network.HealAsync(slot.Index).ConfigureAwait(false);
        }

        var detail = string.Create(CultureInfo.InvariantCulture, $"{slot} partitioned for {(clock.Now - partitioned).TotalSeconds:0.0} s{declared}");
        if (longOne)
        {
            // The others declared it dead: on healing it must read that and stop itself (Orleans' fail-stop).
            detail += await ExpectFailStopAsync(slot, $"partitioned until declared dead{declared}", "healing").ConfigureAwait(false);
        }

        return detail;
    }

    /// <summary>
    /// A silo cut off from the other silos but not from Redis or the clients, until the others have declared it dead. It
    /// keeps serving its clients until it reads the table; it must stop itself, and a replacement starts.
    /// </summary>
    private async Task<string?> IsolateAsync(SiloSlot slot)
    {
        if (cluster.Network is null)
        {
            return null;
        }

        var isolated = clock.Now;
        await cluster.Network.IsolateFromSilosAsync(slot.Index).ConfigureAwait(false);
        string declared;
        try
        {
            declared = await WaitUntilDeclaredDeadAsync(slot, "isolated").ConfigureAwait(false);
            await Task.Delay(durations.ShortPartition).ConfigureAwait(false);
        }
        finally
        {
            await cluster.Network.RejoinSilosAsync(slot.Index).ConfigureAwait(false);
        }

        var detail = string.Create(CultureInfo.InvariantCulture, $"{slot} cut off from the other silos (not from Redis or clients) for {(clock.Now - isolated).TotalSeconds:0.0} s{declared}");
        return detail + await ExpectFailStopAsync(slot, $"isolated until declared dead{declared}", "rejoining").ConfigureAwait(false);
    }

    /// <summary>A silo cut off from Redis alone for as long as a Redis pause; it stays a member throughout.</summary>
    private async Task<string?> CutFromRedisAsync(SiloSlot slot)
    {
        if (cluster.Network is null)
        {
            return null;
        }

        await cluster.Network.CutFromRedisAsync(slot.Index).ConfigureAwait(false);
        try
        {
            await Task.Delay(durations.RedisPause).ConfigureAwait(false);
        }
        finally
        {
            await cluster.Network.RestoreRedisAsync(slot.Index).ConfigureAwait(false);
        }

        return string.Create(CultureInfo.InvariantCulture, $"{slot} cut off from Redis (not from its peers or clients) for {durations.RedisPause.TotalSeconds:0.#} s");
    }

    /// <summary>
    /// The zombie: SIGSTOP until the others have declared the silo dead, then SIGCONT. Resumed, it still believes it owns
    /// its grains until it reads the membership table; it must then stop itself, and anything it had in flight is refused
    /// by storage (a newer activation's claim fences it). A replacement starts once it is gone.
    /// </summary>
    private async Task<string> PauseSiloAsync(SiloSlot slot)
    {
        var paused = clock.Now;
        await slot.PauseAsync().ConfigureAwait(false);
        string declared;
        try
        {
            declared = await WaitUntilDeclaredDeadAsync(slot, "paused").ConfigureAwait(false);
        }
        finally
        {
            await slot.ResumeAsync().ConfigureAwait(false);
        }

        var detail = string.Create(CultureInfo.InvariantCulture, $"{slot} paused (SIGSTOP) for {(clock.Now - paused).TotalSeconds:0.0} s{declared}");
        return detail + await ExpectFailStopAsync(slot, $"paused until declared dead{declared}", "SIGCONT").ConfigureAwait(false);
    }

    /// <summary>
    /// A silo the others declared dead must read that and stop itself (Orleans' fail-stop) within
    /// <see cref="FailStopLimit"/> of <paramref name="since"/>; one that does not is an incident, and is killed. Either
    /// way a replacement starts. Returns the detail to add to the fault's record.
    /// </summary>
    private async Task<string> ExpectFailStopAsync(SiloSlot slot, string what, string since)
    {
        var from = clock.Now;
        var detail = "";
        try
        {
            await slot.Process!.WaitForExitAsync(FailStopLimit).ConfigureAwait(false);
            detail = string.Create(CultureInfo.InvariantCulture, $", stopped itself {(clock.Now - from).TotalSeconds:0.0} s after {since}");
        }
        catch (TimeoutException)
        {
            history.Incidents.Enqueue($"{slot} was {what} and still ran {FailStopLimit.TotalSeconds:0} s after {since}; its last lines: {string.Join(" | ", slot.Process!.LastLines(12))}");
            await slot.KillAsync().ConfigureAwait(false);
        }

        await ReplaceOnceDeclaredDeadAsync(slot).ConfigureAwait(false);
        return detail;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Fault {Kind}: {Detail} (t={Start:0.000}s, healed t={Healed:0.000}s)")]
    private static partial void LogInjected(ILogger logger, FaultKind kind, string detail, double start, double healed);
}
