using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansCache.FaultInjection.Cluster;
using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.History;
using OrleansCache.FaultInjection.Network;
using OrleansCache.FaultInjection.Soak;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.TestSupport.Waiting;

namespace OrleansCache.FaultInjection;

/// <summary>
/// One run: a cluster of silo processes on a Redis of its own, clients reading and writing, faults on a seeded schedule
/// in lanes side by side (two of the silos', on disjoint silos; Redis's; a client's own connections': ADR 0090, 0091),
/// each fault followed by recovery and a quiet gap, then the history checked (ADR 0070).
/// </summary>
internal sealed partial class FaultRun(FaultRunOptions options, ILogger logger)
{
    /// <summary>The longest one look at the cluster's recovery may take (a call that never returns is a failed look).</summary>
    private static readonly TimeSpan AttemptLimit = TimeSpan.FromSeconds(20);

    /// <summary>The shortest warm-up before the first fault (the quiet gap when that is longer).</summary>
    private static readonly TimeSpan MinimumWarmUp = TimeSpan.FromSeconds(4);

    /// <summary>The clients' and Redis's lanes wait the quiet gap plus up to this long (seeded) between their faults.</summary>
    private static readonly TimeSpan SideLaneSpread = TimeSpan.FromSeconds(10);

    private readonly RunClock _clock = new();
    private readonly RunHistory _history = new();
    private string _lastRecoveryFailure = "";

    /// <summary>Runs and checks; the report lists every violation (none: it passed).</summary>
    public async Task<FaultReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var random = new Random(options.Seed);
        var keys = new KeySpace(groups: 4, keysPerGroup: 8);
        var (network, why) = options.UseNamespaces ? await NamespaceNetwork.TryCreateAsync(options.Silos).ConfigureAwait(false) : (null, "namespaces switched off");
        var networkNote = network is null ? $"network: loopback, partitions skipped ({why})" : $"network: a namespace per silo on bridge {network.HostAddress}/24";
        if (network is null)
        {
            _history.Skipped.Enqueue($"{FaultKind.Partition}: {why}");
        }

        LogNetwork(logger, networkNote);
        var clusterId = string.Create(CultureInfo.InvariantCulture, $"fi-{options.Seed}-{Environment.ProcessId}");
        var started = _clock.Now;
        await using var cluster = await SiloCluster.StartAsync(options.Silos, network, clusterId, options.SiloLogDirectory).ConfigureAwait(false);
        var clients = new List<FaultClient>();
        FaultClient? admin = null;
        try
        {
            using (var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                startup.CancelAfter(options.RecoveryTimeout);
                var starting = Enumerable.Range(-1, options.Clients + 1)
                    .Select(c => FaultClient.StartAsync(c, cluster.Redis.ConnectionString, clusterId, SiloCluster.ServiceId, new ClientLogProvider(c, _history.ClientLogs, _clock), startup.Token))
                    .ToList();
                try
                {
                    await Task.WhenAll(starting).ConfigureAwait(false);
                }
                finally
                {
                    // Whatever started is disposed below, even if another client failed to.
                    var connected = starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList();
                    admin = connected.FirstOrDefault(c => c.Number == -1);
                    clients.AddRange(connected.Where(c => c.Number >= 0));
                }
            }

            ArgumentNullException.ThrowIfNull(admin);
            var healthy = await RecoverAsync(cluster, clients, admin, _ => true, cancellationToken).ConfigureAwait(false);
            _history.MembershipChanges.Enqueue(_clock.Now);
            LogStarted(logger, options.Silos, options.Clients, (_clock.Now - started).TotalSeconds);

            await using var sampler = options.SoakDirectory is null ? null : new ResourceSampler(cluster, _clock, options.SoakSampleInterval);
            sampler?.Start();
            using var workload = new CacheWorkload([.. clients.Select(c => (Func<IWorkloadClient>)(() => c))], keys, _history, _clock, options.Seed, options.WorkersPerClient);
            workload.Start();
            using var bursts = new GetOrCreateBursts([.. clients.Select(c => (Func<IGetOrCreateClient>)(() => c))], _history, _clock, options.BurstInterval, options.BurstCallsPerClient);
            bursts.Start();
            await using var bridge = new BridgeProbes([.. clients], cluster.Redis.ConnectionString, _history, _clock, options.Seed);
            await bridge.StartAsync().ConfigureAwait(false);
            var kinds = options.Faults ?? FaultSchedule.FullRound;
            if (options.Silos < FaultInjector.MinimumSilosForDoubleKill && kinds.Contains(FaultKind.DoubleKill))
            {
                kinds = [.. kinds.Where(k => k != FaultKind.DoubleKill)];
                _history.Skipped.Enqueue($"{FaultKind.DoubleKill}: needs at least {FaultInjector.MinimumSilosForDoubleKill} silos (--silos {FaultInjector.MinimumSilosForDoubleKill})");
            }

            if (kinds.Contains(FaultKind.InstanceKill))
            {
                kinds = [.. kinds.Where(k => k != FaultKind.InstanceKill)];
                _history.Skipped.Enqueue($"{FaultKind.InstanceKill}: FusionCache only (--target fusioncache); silos are killed by SiloKill and OwnerKill");
            }

            if (kinds.Count == 0)
            {
                throw new InvalidOperationException("No fault kind is left to inject with these options.");
            }

            // Lanes side by side (ADR 0090, 0091), each with its own injector and seeded schedule, and a gate that keeps
            // apart the faults that must not overlap a silo fault (FaultSchedule.GateUse).
            var lanes = new List<FaultLane>();
            var gate = new FaultGate();
            var siloLanes = new List<SiloLaneSlots>();
            bool MayReplace(SiloSlot slot, SiloLaneSlots? self) => siloLanes.All(l => l == self || !l.Busy || !l.Slots.Contains(slot));

            // The silos' faults, one at a time per lane, every silo active and every client served again after each. With
            // --silo-lanes 2 and four silos or more, two lanes on disjoint halves of the slots (two silos down at once still
            // leave two to vote), taking their kinds from one schedule (ADR 0092); a lane replaces no silo of the other's
            // while that one is mid-fault.
            var siloKinds = kinds.Where(k => !FaultSchedule.IsClientFault(k) && !FaultSchedule.IsRedisFault(k)).ToList();
            if (siloKinds.Count > 0)
            {
                var half = cluster.Slots.Count / 2;
                IReadOnlyList<SiloSlot>[] laneSlots = options.SiloLanes == 2 && options.Silos >= FaultInjector.MinimumSilosForDoubleKill
                    ? [[.. cluster.Slots.Take(half)], [.. cluster.Slots.Skip(half)]]
                    : [cluster.Slots];
                var siloSchedule = new FaultSchedule(new Random(random.Next()), siloKinds);
                var partitionTurns = new PartitionTurns();
                foreach (var slots in laneSlots)
                {
                    var own = new SiloLaneSlots(slots);
                    siloLanes.Add(own);
                    var injector = new FaultInjector(cluster, clients, admin, FaultDurations.Default, new Random(random.Next()), _clock, _history, logger, slots, partitionTurns);
                    lanes.Add(new FaultLane(
                        siloSchedule,
                        async kind =>
                        {
                            own.Busy = true;
                            var window = await injector.InjectAsync(kind).ConfigureAwait(false);
                            own.Busy = window is not null;
                            return window;
                        },
                        async (_, ct) =>
                        {
                            try
                            {
                                return await RecoverAsync(cluster, clients, admin, slot => MayReplace(slot, own), ct).ConfigureAwait(false);
                            }
                            finally
                            {
                                own.Busy = false;
                            }
                        },
                        () => options.QuietGap,
                        gate,
                        FaultSchedule.GateUse));
                }
            }

            // A client's own connection faults: the faulted client served again after each. This lane's and Redis's gaps
            // vary (seeded), so their faults land at different points of the silos'.
            var clientRandom = new Random(random.Next());
            if (kinds.Where(FaultSchedule.IsClientFault).ToList() is { Count: > 0 } clientKinds)
            {
                var injector = new FaultInjector(cluster, clients, admin, FaultDurations.Default, clientRandom, _clock, _history, logger);
                lanes.Add(new FaultLane(new FaultSchedule(clientRandom, clientKinds), injector.InjectAsync, (window, ct) => RecoverClientsAsync([clients.Single(c => c.Number == window.Client)], window.Kind.ToString(), ct), () => options.QuietGap + (SideLaneSpread * clientRandom.NextDouble())));
            }

            // redis-server's faults: every client served again after each. Only the restart without data, which enters the
            // gate exclusively, waits for every silo as the silos' lanes do (and replaces those that stopped).
            var redisRandom = new Random(random.Next());
            if (kinds.Where(FaultSchedule.IsRedisFault).ToList() is { Count: > 0 } redisKinds)
            {
                var injector = new FaultInjector(cluster, clients, admin, FaultDurations.Default, redisRandom, _clock, _history, logger);
                lanes.Add(new FaultLane(
                    new FaultSchedule(redisRandom, redisKinds),
                    injector.InjectAsync,
                    (window, ct) => window.Kind == FaultKind.RedisRestartEmpty ? RecoverAsync(cluster, clients, admin, slot => MayReplace(slot, null), ct) : RecoverClientsAsync(clients, window.Kind.ToString(), ct),
                    () => options.QuietGap + (SideLaneSpread * redisRandom.NextDouble()),
                    gate,
                    FaultSchedule.GateUse));
            }

            TimeSpan? until = options.Duration is { } duration ? _clock.Now + duration : null;
            try
            {
                // The warm-up is a gap without faults, so the no-fault bound is exercised too: with the lanes overlapping,
                // the run has few other moments when no fault is under way, so it lasts a few bursts at least.
                await Task.Delay(options.QuietGap > MinimumWarmUp ? options.QuietGap : MinimumWarmUp, cancellationToken).ConfigureAwait(false);
                if (healthy)
                {
                    await FaultLane.RunSideBySideAsync(lanes, options.Rounds, until, _clock, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                await Task.WhenAll(workload.StopAsync(), bursts.StopAsync(), bridge.StopAsync()).ConfigureAwait(false);
            }

            var finals = await ReadBackAsync(cluster, keys, cancellationToken).ConfigureAwait(false);
            var soakNotes = sampler is null ? [] : await ConcludeSoakAsync(sampler, options.SoakDirectory!).ConfigureAwait(false);
            var report = new HistoryChecker(_history, finals, FaultBounds.NoFault, _clock.Now).Check();
            if (options.SiloLogDirectory is { } logs)
            {
                Directory.CreateDirectory(logs);
                await File.WriteAllLinesAsync(Path.Combine(logs, "clients.log"), _history.ClientLogs.All(), cancellationToken).ConfigureAwait(false);
                await File.WriteAllLinesAsync(Path.Combine(logs, "operations.csv"), _history.Operations.OrderBy(o => o.Start).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Start.TotalSeconds:0.000},{o.End.TotalSeconds:0.000},{o.Client},{o.Kind},{o.Target},{(o.Ok ? "ok" : "failed")},{(o.Found ? "found" : "")},{o.Version}")).Prepend("start,end,client,kind,target,ok,found,version"), cancellationToken).ConfigureAwait(false);
            }

            report.Notes.AddRange(soakNotes);
            report.Notes.Add(networkNote);
            report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"seed {options.Seed}, {options.Silos} silo processes, {options.Clients} clients x {options.WorkersPerClient} workers, {keys.Keys.Count} keys, {(_clock.Now - started).TotalSeconds:0} s"));
            return report;
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            if (admin is not null)
            {
                await admin.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Stops sampling, writes the soak's samples, summary and curves, and records growth beyond the bounds as incidents
    /// (so the run fails). Returns the notes for the report.
    /// </summary>
    private async Task<List<string>> ConcludeSoakAsync(ResourceSampler sampler, string directory)
    {
        await sampler.DisposeAsync().ConfigureAwait(false);
        var samples = sampler.Samples;
        var analysis = new SoakAnalysis(samples, [.. _history.Operations]);
        Directory.CreateDirectory(directory);
        analysis.WriteCsv(Path.Combine(directory, "soak.csv"));
        var summary = analysis.ToMarkdown();
        var minutes = analysis.LatencyByMinute();
        var latency = string.Join(Environment.NewLine, minutes.Select(m => string.Create(CultureInfo.InvariantCulture, $"| {m.Minute} | {m.Operations} | {m.P50Ms:0.0} | {m.P99Ms:0.0} |")));
        await File.WriteAllTextAsync(
            Path.Combine(directory, "soak.md"),
            $"{summary}{Environment.NewLine}| minute | operations | p50 ms | p99 ms |{Environment.NewLine}| --- | --- | --- | --- |{Environment.NewLine}{latency}{Environment.NewLine}").ConfigureAwait(false);
        var plots = SoakPlots.Write(directory, samples, analysis);
        foreach (var growth in analysis.Growth())
        {
            _history.Incidents.Enqueue($"soak: {growth}");
        }

        return [$"soak: {samples.Count} samples, summary, curves and samples in {directory} ({string.Join(", ", plots.Select(Path.GetFileName))}, soak.md, soak.csv)"];
    }

    /// <summary>
    /// Waits until every slot runs a silo (a silo that stopped itself is replaced and noted), membership lists exactly
    /// those, and every client writes and reads a probe key. False (and an incident) if that takes too long.
    /// </summary>
    private async Task<bool> RecoverAsync(SiloCluster cluster, IReadOnlyList<FaultClient> clients, FaultClient admin, Func<SiloSlot, bool> mayReplace, CancellationToken cancellationToken)
    {
        var from = _clock.Now;
        _lastRecoveryFailure = "none";
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    foreach (var slot in cluster.Slots.Where(s => !s.IsRunning && mayReplace(s)))
                    {
                        var last = slot.Process?.LastLines(3) ?? [];
                        _history.Events.Enqueue(string.Create(CultureInfo.InvariantCulture, $"t={_clock.Now.TotalSeconds:0.0}s: {slot} had stopped by itself (exit code {slot.Process?.ExitCode}); replaced. Its last lines: {string.Join(" | ", last)}"));
                        await cluster.ReplaceAsync(slot).ConfigureAwait(false);
                        _history.MembershipChanges.Enqueue(_clock.Now);
                    }

                    // Each look is bounded: a client that knows no gateway (the table lost) may wait on a call for good.
                    if (!await cluster.IsStableAsync(admin.Orleans).WaitAsync(AttemptLimit, cancellationToken).ConfigureAwait(false))
                    {
                        _lastRecoveryFailure = "membership does not list exactly the running silos as active";
                        return false;
                    }

                    return await AllServeAsync(clients, cancellationToken).WaitAsync(AttemptLimit, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
                {
                    // A replacement that failed to start, a management call during reconfiguration: look again.
                    _lastRecoveryFailure = $"{ex.GetType().Name}: {ex.Message}";
                    return false;
                }
            }, "every silo active and every client served", options.RecoveryTimeout, cancellationToken).ConfigureAwait(false);
            LogRecovered(logger, (_clock.Now - from).TotalSeconds, _lastRecoveryFailure);
            return true;
        }
        catch (TimeoutException ex)
        {
            _history.Incidents.Enqueue(string.Create(CultureInfo.InvariantCulture, $"t={_clock.Now.TotalSeconds:0.0}s: the cluster did not recover within {options.RecoveryTimeout.TotalSeconds:0} s: {ex.Message}"));
            return false;
        }
    }

    /// <summary>
    /// Waits until each of <paramref name="clients"/> writes and reads its probe key again, replacing no silo (the silos'
    /// lane does that): after a client's own connection fault, that client; after a Redis fault that kept its data,
    /// every client. False (and an incident) if that takes too long.
    /// </summary>
    private async Task<bool> RecoverClientsAsync(IReadOnlyList<FaultClient> clients, string fault, CancellationToken cancellationToken)
    {
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return await AllServeAsync(clients, cancellationToken).WaitAsync(AttemptLimit, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // A call that never returned: look again.
                    return false;
                }
            }, $"{string.Join(", ", clients)} served again after {fault}", options.RecoveryTimeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException ex)
        {
            _history.Incidents.Enqueue(string.Create(CultureInfo.InvariantCulture, $"t={_clock.Now.TotalSeconds:0.0}s: {string.Join(", ", clients)} not served again within {options.RecoveryTimeout.TotalSeconds:0} s of {fault}: {ex.Message}"));
            return false;
        }
    }

    private async Task<bool> AllServeAsync(IReadOnlyList<FaultClient> clients, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var client in clients)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                var key = string.Create(CultureInfo.InvariantCulture, $"probe:{client.Number}");
                var written = await client.Cache.SetBytesAsync(key, "probe"u8.ToArray(), null, timeout.Token).ConfigureAwait(false);
                var (found, _, version) = await client.Cache.TryGetVersionedAsync(key, timeout.Token).ConfigureAwait(false);
                if (!found || version < written)
                {
                    _lastRecoveryFailure = $"{client} read its probe back at {version}, older than its write at {written}";
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // Not served yet (unavailable, timed out): look again.
            _lastRecoveryFailure = $"{ex.GetType().Name}: {ex.Message}";
            return false;
        }
    }

    /// <summary>Reads every key back from its grain through a fresh client (an empty near-cache).</summary>
    private async Task<Dictionary<string, FinalState>> ReadBackAsync(SiloCluster cluster, KeySpace keys, CancellationToken cancellationToken)
    {
        var finals = new Dictionary<string, FinalState>(StringComparer.Ordinal);
        FaultClient reading;
        using (var starting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            starting.CancelAfter(options.RecoveryTimeout);
            try
            {
                // Bounded: a client finds the gateways through the membership table, and waits while it lists none.
                reading = await FaultClient.StartAsync(-2, cluster.Redis.ConnectionString, cluster.ClusterId, SiloCluster.ServiceId, log: null, starting.Token).WaitAsync(options.RecoveryTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                _history.Incidents.Enqueue($"the final read-back's client did not connect within {options.RecoveryTimeout.TotalSeconds:0} s, so durability was not checked: {ex.GetType().Name}: {ex.Message}");
                return finals;
            }
        }

        await using var reader = reading;
        foreach (var key in keys.Keys)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                var (found, bytes, version) = await reader.Cache.TryGetVersionedAsync(key, timeout.Token).ConfigureAwait(false);
                finals[key] = new FinalState(found, found && bytes is not null ? Encoding.UTF8.GetString(bytes) : null, version);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                _history.Incidents.Enqueue($"the final read-back of {key} failed, so durability was not checked: {ex.GetType().Name}: {ex.Message}");
                break;
            }
        }

        return finals;
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Fault run: {Network}")]
    private static partial void LogNetwork(ILogger logger, string network);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "{Silos} silos and {Clients} clients serving after {Seconds:0.0} s")]
    private static partial void LogStarted(ILogger logger, int silos, int clients, double seconds);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Recovered in {Seconds:0.0} s (the last failure before: {LastFailure})")]
    private static partial void LogRecovered(ILogger logger, double seconds, string lastFailure);

    /// <summary>A silos' lane's slots, and whether a fault of its own is under way on them.</summary>
    private sealed class SiloLaneSlots(IReadOnlyList<SiloSlot> slots)
    {
        private volatile bool _busy;

        public IReadOnlyList<SiloSlot> Slots { get; } = slots;

        public bool Busy
        {
            get => _busy;
            set => _busy = value;
        }
    }
}
