using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using OrleansCache.Client;
using OrleansCache.Client.Caching;
using OrleansCache.Core;
using OrleansCache.FaultInjection.Cluster;
using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.History;
using OrleansCache.FaultInjection.Network;
using OrleansCache.FaultInjection.Soak;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.Grains.Interfaces;
using StackExchange.Redis;

namespace OrleansCache.FaultInjection;

/// <summary>
/// One fault-injection run: starts Redis and the silos, runs the workload from in-process clients behind the runner's
/// proxies, injects every fault kind in rounds (one at a time, each followed by recovery and a quiet gap), then reads
/// every key back and checks the history.
/// </summary>
public sealed partial class FaultRun
{
    /// <summary>How long the cluster may take to serve every client again after a fault.</summary>
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Quiet time between faults, so some operations are attributed to no fault.</summary>
    private static readonly TimeSpan QuietGap = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long after sending a bridge message its effects are attributed to the faults around it (stream claim + 1 s).</summary>
    private static readonly TimeSpan BridgeSettle = TimeSpan.FromSeconds(6);

    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    private readonly FaultRunOptions _options;
    private readonly RunClock _clock = new();
    private readonly RunHistory _history = new();
    private readonly List<string> _violations = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _known = [];
    private readonly ResourceSampler _sampler = new();
    private ClusterProcesses _cluster = null!;
    private List<OrleansCacheClient> _clients = [];

    private FaultRun(FaultRunOptions options) => _options = options;

    /// <summary>Runs once with <paramref name="options"/> and returns the checked report.</summary>
    public static Task<FaultReport> RunAsync(FaultRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Silos, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Clients, 1);
        return new FaultRun(options).RunCoreAsync(cancellationToken);
    }

    private async Task<FaultReport> RunCoreAsync(CancellationToken cancellationToken)
    {
        // Each slot gets 127.A.B.(10+i): loopback, and unlikely to meet another run's addresses on this machine.
        var a = Random.Shared.Next(2, 250);
        var b = Random.Shared.Next(2, 250);
        _cluster = await ClusterProcesses.StartAsync(_options, i => new IPAddress([127, (byte)a, (byte)b, (byte)(10 + i)])).ConfigureAwait(false);
        try
        {
            _options.Log($"run {_cluster.RunId}: redis on {_cluster.Redis.ConnectionString}, silos at {string.Join(", ", _cluster.Slots.Select(s => s.Gateway))}, network: {_cluster.Network} ({_cluster.NetworkDetail})");
            _clients = [.. Enumerable.Range(0, _options.Clients).Select(i => CreateClient(i))];
            await using var listener = CreateClient(_options.Clients, "bridge:");
            listener.Invalidated += OnListenerInvalidated;
            foreach (var client in _clients.Append(listener))
            {
                await ProbeAsync(client, "startup").ConfigureAwait(false);
            }

            using var publisher = await ConnectionMultiplexer.ConnectAsync($"{_cluster.Redis.ConnectionString},abortConnect=false,connectTimeout=2000,syncTimeout=5000").ConfigureAwait(false);
            var workload = new CacheWorkload(_clients, new KeySpace(8, 6), _history, _clock, publisher, _cluster.StreamKey, _cluster.TypedChannel, _options.Seed);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var working = workload.RunAsync(stop.Token);
            var sampling = SampleAsync(stop.Token);
            try
            {
                await InjectFaultsAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await working.ConfigureAwait(false);
                await sampling.ConfigureAwait(false);
            }

            _options.Log($"workload stopped at {_clock.Now.TotalSeconds:0.0} s; waiting for the bridge stream to drain");
            await WaitUntilSteadyAsync("the end of the workload").ConfigureAwait(false);
            var finals = await ReadFinalStatesAsync(new KeySpace(8, 6)).ConfigureAwait(false);
            var checkedAt = _clock.Now;
            var report = new HistoryChecker(_history, finals, FaultInjector.NoFaultBound, BridgeSettle, checkedAt).Check();
            _notes.Add(string.Create(CultureInfo.InvariantCulture, $"Stale activations fenced (a newer activation had read or changed the key, docs/adr/0041): {StaleActivations()}."));
            await DescribeLostStreamKeysAsync(publisher.GetDatabase(), finals).ConfigureAwait(false);
            var (soakLines, soakViolations) = _sampler.Judge(_options.Soak is null ? int.MaxValue : 12);
            var result = new FaultReport { Kinds = report.Kinds, Violations = [.. report.Violations, .. _violations, .. soakViolations], KnownIssues = [.. report.KnownIssues, .. _known], Network = _cluster.Network };
            result.Notes.AddRange(report.Notes);
            result.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"{_options.Silos} silo processes (Redis membership, storage and bridge), {_options.Clients} clients + 1 broadcast listener, death timeout {_options.DeathTimeout.TotalSeconds:0.0} s, probe interval {_options.ProbeInterval.TotalMilliseconds:0} ms, {checkedAt.TotalSeconds:0} s in all; bridge sends that failed (not judged): {workload.BridgeSendFailures}"));
            result.Notes.Add(_cluster.Network == NetworkMode.Namespaces
                ? $"Network: namespaces ({_cluster.NetworkDetail}). Each silo runs in a network namespace of its own behind a veth pair; a Partition sets the runner's end down. Client cuts, delays and stalls come from the runner's TCP proxies on the runner's ends (tc netem is not used: see docs/reliability.md)."
                : $"Network: proxies only ({_cluster.NetworkDetail}). Every silo advertises a loopback address of its own where the runner's TCP proxies listen; a Partition holds all of a silo's traffic in its proxies (its own outgoing connections to peers still pass; see docs/reliability.md).");
            if (_history.Faults.Where(f => f.Kind == FaultKind.Partition).Select(f => string.Create(CultureInfo.InvariantCulture, $"t={f.Start.TotalSeconds:0.0}s {f.Detail}")).ToList() is { Count: > 0 } partitions)
            {
                result.Notes.Add($"Partitions: {string.Join("; ", partitions)}.");
            }

            result.Notes.AddRange(_notes);
            result.Notes.AddRange(soakLines);
            if (!result.Passed || result.KnownIssues.Count > 0)
            {
                var logs = Path.Combine(Path.GetTempPath(), $"orleanscache-faults-{_cluster.RunId}-logs");
                await _cluster.WriteLogsAsync(logs).ConfigureAwait(false);
                result.Notes.Add($"Silo logs of this run: {logs}");
            }

            return result;
        }
        finally
        {
            foreach (var client in _clients)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A client whose first gateway is slot <paramref name="number"/> mod N, so clients spread over the gateways.</summary>
    private OrleansCacheClient CreateClient(int number, string? broadcastPrefix = null)
    {
        var options = new OrleansCacheClientOptions { ClusterId = _cluster.ClusterId };
        for (var i = 0; i < _cluster.Slots.Count; i++)
        {
            options.Gateways.Add(_cluster.Slots[(number + i) % _cluster.Slots.Count].Gateway);
        }

        if (broadcastPrefix is not null)
        {
            options.BroadcastPrefixes.Add(broadcastPrefix);
        }

        return (OrleansCacheClient)OrleansCacheFactory.Create(options);
    }

    private void OnListenerInvalidated(object? sender, CacheInvalidatedEventArgs e)
    {
        if (e.Kind == CacheInvalidationKind.Key && e.Target is { } key && e.Version is { } version && _history.BridgeMessages.TryGetValue(key, out var message))
        {
            message.Hear(version);
        }
    }

    private async Task InjectFaultsAsync(CancellationToken cancellationToken)
    {
        var injector = new FaultInjector(_cluster, _clock, _options, _violations, _known);
        var random = new Random(_options.Seed);
        var deadline = _options.Soak ?? _options.Duration;
        await Task.Delay(QuietGap * 2, cancellationToken).ConfigureAwait(false);
        for (var round = 0; round < _options.FaultRounds || _clock.Now < deadline; round++)
        {
            foreach (var kind in injector.Kinds.Where(k => _options.OnlyFaults.Count == 0 || _options.OnlyFaults.Contains(k.ToString())).OrderBy(_ => random.Next()))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (round >= _options.FaultRounds && _clock.Now >= deadline)
                {
                    return;
                }

                var window = await injector.InjectAsync(kind).ConfigureAwait(false);
                await WaitUntilSteadyAsync($"{kind} at t={window.Start.TotalSeconds:0.0}s").ConfigureAwait(false);
                if (kind is FaultKind.SiloKill or FaultKind.SiloRestart or FaultKind.Partition)
                {
                    // Ownership has moved back and forth only once every silo sees the same full view.
                    window = window with { Healed = await WaitForOneViewAsync().ConfigureAwait(false) };
                }

                if (kind is FaultKind.Partition && injector.LastPartition is var (slot, generation))
                {
                    window = window with { Detail = window.Detail + (slot.Generation == generation ? ", rode it out (no restart)" : ", replaced") };
                }

                _history.Faults.Enqueue(window);
                _options.Log(string.Create(CultureInfo.InvariantCulture, $"t={window.Start.TotalSeconds:0.0}s {kind} ({window.Detail}), healed after {(window.Healed - window.Start).TotalSeconds:0.0} s"));
                await Task.Delay(QuietGap, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every slot has a running silo (one that exited by itself is a violation, and is replaced) and every client is served.</summary>
    private async Task WaitUntilSteadyAsync(string after)
    {
        foreach (var slot in _cluster.Slots)
        {
            if (slot.Silo is { HasExited: true } silo)
            {
                // Exit time on the run clock: the process reports local wall-clock time.
                var exited = _clock.Now - (DateTime.Now - silo.ExitTime);
                var log = silo.Output;
                var exitCode = silo.ExitCode;
                var generation = slot.Generation;

                // Replacing it disposes the old process object: everything about it is read before.
                await slot.StartAsync(_cluster.SiloArgs).ConfigureAwait(false);
                if (exitCode == 0 && log.Any(l => l.Contains("was declared dead by the cluster; stopping", StringComparison.Ordinal)))
                {
                    // Fail-stop by design: attributed like a crash, from when its heartbeats may have stopped.
                    var window = new FaultWindow(FaultKind.SiloFailStop, $"slot {slot.Index} generation {generation}", exited - _options.DeathTimeout - TimeSpan.FromSeconds(2), _clock.Now, _options.DeathTimeout + _options.ProbeInterval + FaultInjector.NoFaultBound);
                    _history.Faults.Enqueue(window);
                    _notes.Add(string.Create(CultureInfo.InvariantCulture, $"At t={exited.TotalSeconds:0.0}s (during {after}) the silo in slot {slot.Index} was declared dead by the others and stopped itself (fail-stop); it was replaced."));
                }
                else
                {
                    _violations.Add($"silo in slot {slot.Index} (generation {generation}) exited by itself (exit code {exitCode.ToString(CultureInfo.InvariantCulture)}) during {after}: {string.Join(" | ", log.TakeLast(8))}");
                }
            }
        }

        foreach (var client in _clients)
        {
            await ProbeAsync(client, after).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits (60 s at most) until every silo's latest view, as its log reports it, has the same version and every silo
    /// active; returns when that was seen.
    /// </summary>
    private async Task<TimeSpan> WaitForOneViewAsync()
    {
        var deadline = _clock.Now + TimeSpan.FromSeconds(60);
        while (_clock.Now < deadline)
        {
            var views = _cluster.Slots.Select(s => s.Silo is { HasExited: false } silo ? LatestView(silo.LastLines(200)) : null).ToList();
            if (views.All(v => v is { } view && view.Active == _cluster.Slots.Count) && views.Select(v => v!.Value.Version).Distinct().Count() == 1)
            {
                return _clock.Now;
            }

            // Polling a condition (the silos' logs) with a deadline.
            await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }

        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"At t={_clock.Now.TotalSeconds:0.0}s the silos did not agree on one full membership view within 60 s."));
        return _clock.Now;
    }

    /// <summary>How many "a newer activation of KEY has read or changed it" lines the silos logged: each a stale activation fenced.</summary>
    private int StaleActivations() =>
        _cluster.Slots.SelectMany(s => s.Logs()).SelectMany(l => l.Lines).Count(line => StaleActivationLine().IsMatch(line));

    [GeneratedRegex(@"A newer activation of \S+ has read or changed it", RegexOptions.None, 1000)]
    private static partial Regex StaleActivationLine();

    private static (long Version, int Active)? LatestView(IReadOnlyList<string> lines)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var match = ViewLine().Match(lines[i]);
            if (match.Success)
            {
                return (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
            }
        }

        return null;
    }

    [GeneratedRegex(@"sees membership version (\d+) with (\d+) active silos", RegexOptions.None, 1000)]
    private static partial Regex ViewLine();

    /// <summary>Writes and reads a probe key until it works: the client is connected and the cluster serves it.</summary>
    private async Task ProbeAsync(OrleansCacheClient client, string after)
    {
        var started = _clock.Now;
        var key = $"probe:{client.GetHashCode().ToString(CultureInfo.InvariantCulture)}";
        while (true)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var value = Encoding.UTF8.GetBytes(started.Ticks.ToString(CultureInfo.InvariantCulture));
                await client.SetBytesAsync(key, value, null, timeout.Token).ConfigureAwait(false);
                var (found, read, _) = await client.TryGetVersionedAsync(key, timeout.Token).ConfigureAwait(false);
                if (found && read!.AsSpan().SequenceEqual(value))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is OrleansCacheException or OperationCanceledException or TimeoutException)
            {
                if (_clock.Now - started > RecoveryTimeout)
                {
                    throw new TimeoutException($"A client was not served again within {RecoveryTimeout.TotalSeconds:0} s after {after}: {ex.Message}", ex);
                }
            }

            // Polling a condition (the cluster serving again) with a deadline.
            await Task.Delay(TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        }
    }

    /// <summary>Reads every regular and bridge key from its grain, once stream messages stop being applied (or 60 s).</summary>
    /// <summary>For a stream message whose key still holds a value: what storage holds for it, and the stream's pending entries (diagnosis).</summary>
    private async Task DescribeLostStreamKeysAsync(IDatabase db, Dictionary<string, FinalState> finals)
    {
        var prefix = $"fi:{_cluster.RunId}:";
        foreach (var message in _history.BridgeMessages.Values.Where(m => m.Path == BridgePath.Stream && finals.TryGetValue(m.Key, out var f) && f.Found))
        {
            try
            {
                var entry = await db.HashGetAllAsync(prefix + "entry:" + message.Key).ConfigureAwait(false);
                var fence = await db.StringGetAsync(prefix + "fence:" + message.Key).ConfigureAwait(false);
                var pending = await db.ExecuteAsync("XPENDING", _cluster.StreamKey, $"orleanscache-fi-{_cluster.RunId}").ConfigureAwait(false);
                var fields = string.Join(", ", entry.Where(e => e.Name != "v").Select(e => $"{e.Name}={e.Value}"));
                _notes.Add($"Storage of {message.Key} ({message.Id}) at the end: {fields}; fence {fence}; stream pending: {pending}.");
            }
            catch (RedisException ex)
            {
                _notes.Add($"Storage of {message.Key} could not be read: {ex.Message}");
            }
        }
    }

    private async Task<Dictionary<string, FinalState>> ReadFinalStatesAsync(KeySpace keys)
    {
        var finals = new Dictionary<string, FinalState>(StringComparer.Ordinal);
        var grains = _clients[0].Cluster;
        var pendingStream = _history.BridgeMessages.Values.Where(m => m.Path == BridgePath.Stream).Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        var drainUntil = _clock.Now + TimeSpan.FromSeconds(60);
        while (pendingStream.Count > 0 && _clock.Now < drainUntil)
        {
            foreach (var key in pendingStream.ToList())
            {
                if (!(await ReadAsync(grains, key).ConfigureAwait(false)).Found)
                {
                    pendingStream.Remove(key);
                }
            }

            if (pendingStream.Count > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
            }
        }

        foreach (var key in keys.Regular.Concat(_history.BridgeMessages.Keys))
        {
            finals[key] = await ReadAsync(grains, key).ConfigureAwait(false);
        }

        return finals;
    }

    private async Task<FinalState> ReadAsync(IClusterClient grains, string key)
    {
        var started = _clock.Now;
        while (true)
        {
            try
            {
                var entry = await grains.GetGrain<ICacheEntryGrain>(key).GetAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                return new FinalState(entry.Found, entry.Found ? Encoding.UTF8.GetString(entry.Value!) : null, entry.Version);
            }
            catch (Exception ex) when ((ex is OrleansCacheException or TimeoutException) && _clock.Now - started < RecoveryTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
            }
        }
    }

    private async Task SampleAsync(CancellationToken stop)
    {
        if (_options.Soak is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(SampleEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                foreach (var slot in _cluster.Slots)
                {
                    if (slot.Silo is { HasExited: false } silo)
                    {
                        _sampler.Sample($"silo slot {slot.Index} generation {slot.Generation}", silo.Id, _clock.Now);
                    }
                }

                _sampler.Sample("runner (clients and proxies)", Environment.ProcessId, _clock.Now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
