using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.History;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestSupport.Peers;
using OrleansCache.TestSupport.Waiting;

namespace OrleansCache.FaultInjection.Fusion;

/// <summary>
/// A run against FusionCache (<c>--target fusioncache</c>): the workload, fault schedule and checker of
/// <see cref="FaultRun"/>, driven through FusionCache instances (memory L1, Redis L2, Redis backplane) on a Redis of
/// the run's own, under the faults that apply to them (docs/reliability.md, "The same faults against FusionCache").
/// </summary>
internal sealed partial class FusionCacheRun(FaultRunOptions options, ILogger logger)
{
    /// <summary>What the report names as the system under test.</summary>
    public const string Target = "FusionCache 2.9.0: memory L1, Redis L2 (Microsoft.Extensions.Caching.StackExchangeRedis), StackExchange.Redis backplane";

    private readonly RunClock _clock = new();
    private readonly RunHistory _history = new();
    private string _lastRecoveryFailure = "";
    private int _probes;

    /// <summary>Runs and checks; the report lists every broken promise of OrleansCache's that FusionCache broke.</summary>
    public async Task<FaultReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var random = new Random(options.Seed);
        var keys = new KeySpace(groups: 4, keysPerGroup: 8);
        var started = _clock.Now;
        var cacheName = string.Create(CultureInfo.InvariantCulture, $"fi-fusion-{options.Seed}-{Environment.ProcessId}");
        await using var fleet = await FusionCacheFleet.StartAsync(options.Clients, cacheName, cancellationToken).ConfigureAwait(false);
        var healthy = await RecoverAsync(fleet, cancellationToken).ConfigureAwait(false);
        LogStarted(logger, options.Clients, (_clock.Now - started).TotalSeconds);

        var kinds = (options.Faults ?? FaultSchedule.FusionCacheRound).Where(k =>
        {
            var applies = FusionFaultInjector.Applies(k);
            if (!applies)
            {
                _history.Skipped.Enqueue($"{k}: does not apply to FusionCache instances (no silos)");
            }

            return applies;
        }).ToList();
        if (kinds.Count == 0)
        {
            throw new InvalidOperationException("No fault kind that applies to FusionCache is left with these options.");
        }

        using (var workload = new CacheWorkload([.. fleet.Slots.Select(s => (Func<IWorkloadClient>)(() => s.Current))], keys, _history, _clock, options.Seed, options.WorkersPerClient))
        {
            workload.Start();
            var injector = new FusionFaultInjector(fleet, FaultDurations.Default, random, _clock, _history, logger);
            var lane = new FaultLane(new FaultSchedule(random, kinds), kind => injector.InjectAsync(kind, cancellationToken), (_, ct) => RecoverAsync(fleet, ct), () => options.QuietGap);
            TimeSpan? until = options.Duration is { } duration ? _clock.Now + duration : null;
            try
            {
                // The warm-up is a gap without faults, so the no-fault bound is exercised too.
                await Task.Delay(options.QuietGap, cancellationToken).ConfigureAwait(false);
                if (healthy)
                {
                    // One round: each kind that applies once.
                    await lane.RunAsync(rounds: 1, until, _clock, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                await workload.StopAsync().ConfigureAwait(false);
            }
        }

        var finals = await ReadBackAsync(fleet, keys, cancellationToken).ConfigureAwait(false);
        var report = new HistoryChecker(_history, finals, FaultBounds.NoFault, _clock.Now).Check();
        report.Notes.Add("target: " + Target);
        if (options.SoakDirectory is not null)
        {
            report.Notes.Add("soak: not sampled (--soak samples silo processes; this target has none)");
        }

        report.Notes.Add("reads: hits only (FusionCache keeps nothing of a removed key, so a miss cannot say which change it reflects and is not judged); a value's version is the write id it carries");
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"changes of one key are made one at a time across the instances, so write ids order them; {fleet.Order.NotMade} changes were not made (not recorded) because another change of the key was still under way after 200 ms"));
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"seed {options.Seed}, {options.Clients} FusionCache instances x {options.WorkersPerClient} workers, {keys.Keys.Count} keys, {(_clock.Now - started).TotalSeconds:0} s"));
        return report;
    }

    /// <summary>
    /// Waits until every instance writes a fresh probe key that the next instance reads back (so through Redis: the
    /// reader never held it in L1). False (and an incident) if that takes too long.
    /// </summary>
    private async Task<bool> RecoverAsync(FusionCacheFleet fleet, CancellationToken cancellationToken)
    {
        var from = _clock.Now;
        _lastRecoveryFailure = "none";
        try
        {
            await Eventually.TrueAsync(() => AllServeAsync(fleet, cancellationToken), "every instance served through Redis", options.RecoveryTimeout, cancellationToken).ConfigureAwait(false);
            LogRecovered(logger, (_clock.Now - from).TotalSeconds, _lastRecoveryFailure);
            return true;
        }
        catch (TimeoutException ex)
        {
            _history.Incidents.Enqueue(string.Create(CultureInfo.InvariantCulture, $"t={_clock.Now.TotalSeconds:0.0}s: the FusionCache instances did not all serve through Redis again within {options.RecoveryTimeout.TotalSeconds:0} s: {ex.Message}"));
            return false;
        }
    }

    private async Task<bool> AllServeAsync(FusionCacheFleet fleet, CancellationToken cancellationToken)
    {
        try
        {
            for (var i = 0; i < fleet.Slots.Count; i++)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                var writer = fleet.Slots[i].Current;
                var reader = fleet.Slots[(i + 1) % fleet.Slots.Count].Current;
                var key = string.Create(CultureInfo.InvariantCulture, $"probe:{Interlocked.Increment(ref _probes)}");
                var written = await writer.WriteAsync(key, "probe", timeout.Token).ConfigureAwait(false);
                var read = await reader.ReadAsync(key, timeout.Token).ConfigureAwait(false);
                if (!read.Found || read.Version < written)
                {
                    _lastRecoveryFailure = $"{reader} did not read {writer}'s probe {key} back (found: {read.Found})";
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // Not served yet (Redis unreachable, timed out, an instance being replaced): look again.
            _lastRecoveryFailure = $"{ex.GetType().Name}: {ex.Message}";
            return false;
        }
    }

    /// <summary>
    /// Reads every key back through a fresh instance (an empty L1), straight from Redis. A missing key carries no
    /// version: it counts as at least as new as any change, so the checker asks only whether the last acknowledged
    /// change (or a later unacknowledged one) was a removal.
    /// </summary>
    private async Task<Dictionary<string, FinalState>> ReadBackAsync(FusionCacheFleet fleet, KeySpace keys, CancellationToken cancellationToken)
    {
        using var reader = await FusionCacheNode.WithOwnConnectionAsync(fleet.Redis.ConnectionString, fleet.CacheName, cancellationToken).ConfigureAwait(false);
        var client = new FusionCacheClient(-2, reader, fleet.Order);
        var finals = new Dictionary<string, FinalState>(StringComparer.Ordinal);
        foreach (var key in keys.Keys)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                var read = await client.ReadAsync(key, timeout.Token).ConfigureAwait(false);
                finals[key] = new FinalState(read.Found, read.Value, read.Version ?? CacheVersion.Max);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                _history.Incidents.Enqueue($"the final read-back of {key} failed, so durability was not checked: {ex.GetType().Name}: {ex.Message}");
                break;
            }
        }

        return finals;
    }

    [LoggerMessage(EventId = 7211, Level = LogLevel.Information, Message = "{Instances} FusionCache instances serving after {Seconds:0.0} s")]
    private static partial void LogStarted(ILogger logger, int instances, double seconds);

    [LoggerMessage(EventId = 7212, Level = LogLevel.Information, Message = "FusionCache instances recovered in {Seconds:0.0} s (the last failure before: {LastFailure})")]
    private static partial void LogRecovered(ILogger logger, double seconds, string lastFailure);
}
