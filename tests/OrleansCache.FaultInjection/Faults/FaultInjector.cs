using System.Globalization;
using OrleansCache.FaultInjection.Cluster;
using OrleansCache.FaultInjection.History;
using OrleansCache.FaultInjection.Network;

namespace OrleansCache.FaultInjection.Faults;

/// <summary>
/// Injects one fault at a time and undoes it, returning its window. Silo faults never touch slot 0: its silo lives
/// through the whole run, so the soak mode can watch one process from start to end.
/// </summary>
internal sealed class FaultInjector(ClusterProcesses cluster, RunClock clock, FaultRunOptions options, List<string> violations, List<string> known)
{
    /// <summary>G4 without faults: the stress test's documented bound.</summary>
    public static readonly TimeSpan NoFaultBound = TimeSpan.FromSeconds(1);

    /// <summary>The client's keep-alive timeout (ConnectionOptions.KeepAliveTimeout): how long a silent gateway goes unnoticed.</summary>
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan ClientDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ClientFaultHold = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A graceful stop slower than the silo's ShutdownTimeout (30 s) is a known issue (docs/reliability.md) and gets its
    /// log lines in the report.
    /// </summary>
    private static readonly TimeSpan SlowStop = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a graceful stop may take: its three waits (gateway peers, silo peers, calls in flight) are bounded by
    /// ShutdownTimeout (30 s) each. Past this the silo is killed and it is a violation.
    /// </summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(100);

    /// <summary>How long a silo declared dead during a partition may take to stop after healing: finding out, then a graceful stop.</summary>
    private static readonly TimeSpan FailStopLimit = StopLimit + TimeSpan.FromSeconds(20);

    private int _nextVictim;
    private int _partitions;

    /// <summary>Promises broken while injecting (a graceful stop that never finished).</summary>
    private List<string> Violations => violations;

    /// <summary>Known issues seen while injecting (slow graceful stops).</summary>
    private List<string> Known => known;

    /// <summary>
    /// Longer than the death timeout and than the silos' Redis operation timeout (5 s): heartbeats and table reads fail
    /// rather than just wait, and for longer than it takes to declare a silo dead.
    /// </summary>
    private TimeSpan RedisPauseHold => options.DeathTimeout + TimeSpan.FromSeconds(5);

    /// <summary>A partition the silo must ride out: well inside the death timeout.</summary>
    private TimeSpan ShortPartition => options.DeathTimeout / 3;

    /// <summary>A partition that outlasts the death timeout by more than a Redis operation timeout: the silo is declared dead.</summary>
    private TimeSpan LongPartition => options.DeathTimeout + TimeSpan.FromSeconds(4);

    /// <summary>The slot of the last partition and its generation then (a replacement raises it).</summary>
    public (SiloSlot Slot, int Generation)? LastPartition { get; private set; }

    /// <summary>The kinds this machine can inject.</summary>
    public IReadOnlyList<FaultKind> Kinds =>
    [
        FaultKind.SiloKill, FaultKind.SiloRestart, FaultKind.ClientCut, FaultKind.ClientDelay, FaultKind.ClientStall,
        FaultKind.RedisRestart, FaultKind.RedisPause, FaultKind.Partition,
    ];

    public async Task<FaultWindow> InjectAsync(FaultKind kind)
    {
        var start = clock.Now;
        var (detail, bound) = kind switch
        {
            FaultKind.SiloKill => await KillAsync().ConfigureAwait(false),
            FaultKind.SiloRestart => await RestartAsync().ConfigureAwait(false),
            FaultKind.ClientCut => Cut(),
            FaultKind.ClientDelay => await DelayAsync().ConfigureAwait(false),
            FaultKind.ClientStall => await StallAsync().ConfigureAwait(false),
            FaultKind.RedisRestart => await RedisRestartAsync().ConfigureAwait(false),
            FaultKind.RedisPause => await RedisPauseAsync().ConfigureAwait(false),
            FaultKind.Partition => await PartitionAsync().ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return new FaultWindow(kind, detail, start, clock.Now, bound);
    }

    private SiloSlot NextVictim()
    {
        // Slots 1..N-1 in turn; slot 0 is never stopped.
        var slots = cluster.Slots.Count;
        return cluster.Slots[1 + (_nextVictim++ % Math.Max(1, slots - 1))];
    }

    private async Task<(string, TimeSpan)> KillAsync()
    {
        var slot = NextVictim();
        await slot.KillAsync().ConfigureAwait(false);
        await slot.StartAsync(cluster.SiloArgs).ConfigureAwait(false);
        return ($"slot {slot.Index}", options.DeathTimeout + options.ProbeInterval + NoFaultBound);
    }

    private async Task<(string, TimeSpan)> RestartAsync()
    {
        var slot = NextVictim();
        var stopping = clock.Now;
        IReadOnlyList<string> log;
        try
        {
            log = await slot.StopGracefullyAsync(StopLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Violations.Add(string.Create(CultureInfo.InvariantCulture, $"the graceful stop of slot {slot.Index} at t={stopping.TotalSeconds:0.0}s did not finish within {StopLimit.TotalSeconds:0} s; it was killed"));
            log = [];
            await slot.KillAsync().ConfigureAwait(false);
        }

        var stopped = clock.Now - stopping;
        await slot.StartAsync(cluster.SiloArgs).ConfigureAwait(false);
        var detail = string.Create(CultureInfo.InvariantCulture, $"slot {slot.Index}, stopped in {stopped.TotalSeconds:0.0} s");
        if (stopped > SlowStop)
        {
            Known.Add(string.Create(CultureInfo.InvariantCulture, $"slow graceful stop: slot {slot.Index} at t={stopping.TotalSeconds:0.0}s took {stopped.TotalSeconds:0.0} s (ShutdownTimeout 30 s); its last log lines: {string.Join(" | ", log.TakeLast(3))}"));
        }

        return (detail, options.ProbeInterval + NoFaultBound);
    }

    /// <summary>The gateway proxy carrying the most client connections.</summary>
    private (SiloSlot Slot, FaultProxy Proxy) BusiestGateway()
    {
        var slot = cluster.Slots.Where(s => s.GatewayProxy is not null).MaxBy(s => s.GatewayProxy!.ConnectionCount)!;
        return (slot, slot.GatewayProxy!);
    }

    private (string, TimeSpan) Cut()
    {
        var (slot, proxy) = BusiestGateway();
        var cut = proxy.CutAll();
        return (string.Create(CultureInfo.InvariantCulture, $"slot {slot.Index}: {cut} connections reset"), NoFaultBound);
    }

    private async Task<(string, TimeSpan)> DelayAsync()
    {
        var (slot, proxy) = BusiestGateway();
        var connections = proxy.ConnectionCount;
        proxy.SetDelay(ClientDelay);
        await Task.Delay(ClientFaultHold).ConfigureAwait(false);
        proxy.SetDelay(TimeSpan.Zero);
        return (string.Create(CultureInfo.InvariantCulture, $"slot {slot.Index}: {connections} connections, {ClientDelay.TotalMilliseconds:0} ms per chunk for {ClientFaultHold.TotalSeconds:0} s"), ClientDelay + NoFaultBound);
    }

    private async Task<(string, TimeSpan)> StallAsync()
    {
        var (slot, proxy) = BusiestGateway();
        var connections = proxy.ConnectionCount;
        proxy.Stall();
        await Task.Delay(ClientFaultHold).ConfigureAwait(false);
        proxy.Release();
        return (string.Create(CultureInfo.InvariantCulture, $"slot {slot.Index}: {connections} connections held {ClientFaultHold.TotalSeconds:0} s"), KeepAliveTimeout + NoFaultBound);
    }

    private async Task<(string, TimeSpan)> RedisRestartAsync()
    {
        await cluster.Redis.RestartAsync().ConfigureAwait(false);
        return ("SIGKILL, restart on the append-only file", NoFaultBound);
    }

    private async Task<(string, TimeSpan)> RedisPauseAsync()
    {
        await cluster.Redis.PauseAsync().ConfigureAwait(false);
        try
        {
            await Task.Delay(RedisPauseHold).ConfigureAwait(false);
        }
        finally
        {
            await cluster.Redis.ResumeAsync().ConfigureAwait(false);
        }

        return (string.Create(CultureInfo.InvariantCulture, $"SIGSTOP for {RedisPauseHold.TotalSeconds:0.0} s"), NoFaultBound);
    }

    /// <summary>
    /// Cuts one silo off, alternately for <see cref="ShortPartition"/> and <see cref="LongPartition"/>, then heals the
    /// link. After a long one the others have declared it dead: it must find that out and stop (fail-stop), which the
    /// run's recovery sees as a silo that stopped itself and replaces; this waits (bounded) for that stop, or, after a
    /// short one, for the silo to be back in every view.
    /// </summary>
    private async Task<(string, TimeSpan)> PartitionAsync()
    {
        var slot = NextVictim();
        var silo = slot.Silo!;
        LastPartition = (slot, slot.Generation);
        var hold = _partitions++ % 2 == 0 ? ShortPartition : LongPartition;
        await slot.PartitionAsync().ConfigureAwait(false);
        try
        {
            await Task.Delay(hold).ConfigureAwait(false);
        }
        finally
        {
            await slot.HealAsync().ConfigureAwait(false);
        }

        var how = slot.Link is null ? "proxies held all its traffic" : $"veth {slot.Link.RootInterface} down";
        var outcome = "";
        if (hold > options.DeathTimeout)
        {
            var healed = clock.Now;
            try
            {
                // It must read its own row (a probe interval once Redis answers again), then stop as a graceful stop does.
                await silo.WaitForExitAsync(FailStopLimit).ConfigureAwait(false);
                var took = clock.Now - healed;
                outcome = string.Create(CultureInfo.InvariantCulture, $", declared dead, stopped itself {took.TotalSeconds:0.0} s after healing");
                if (took > SlowStop)
                {
                    Known.Add(string.Create(CultureInfo.InvariantCulture, $"slow graceful stop: slot {slot.Index}, declared dead during a partition at t={healed.TotalSeconds:0.0}s, took {took.TotalSeconds:0.0} s to stop after healing (ShutdownTimeout 30 s); its last log lines: {string.Join(" | ", silo.LastLines(3))}"));
                }
            }
            catch (TimeoutException)
            {
                // Either the others never declared it dead (detection is bounded by the death timeout plus a probe
                // interval) or it never stopped (fail-stop, ADR 0004): both are broken promises.
                Violations.Add(string.Create(CultureInfo.InvariantCulture, $"slot {slot.Index} was partitioned for {hold.TotalSeconds:0.0} s (death timeout {options.DeathTimeout.TotalSeconds:0.0} s) and was still running {FailStopLimit.TotalSeconds:0} s after healing: {string.Join(" | ", silo.LastLines(5))}"));
                outcome = string.Create(CultureInfo.InvariantCulture, $", still running {FailStopLimit.TotalSeconds:0} s after healing");
            }
        }

        // Clients behind its gateway see a silent connection until their keep-alive gives up, as under ClientStall.
        var bound = Max(KeepAliveTimeout, options.DeathTimeout + options.ProbeInterval) + NoFaultBound;
        return (string.Create(CultureInfo.InvariantCulture, $"slot {slot.Index}: {how} for {hold.TotalSeconds:0.0} s{outcome}"), bound);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
