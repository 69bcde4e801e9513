using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansCache.Grains.Membership;

/// <summary>
/// Keeps a silo that stood still from answering out of memory it may no longer own. A process that was frozen (SIGSTOP,
/// a paused VM, a stop-the-world pause) for longer than the cluster takes to suspect it may have been declared dead
/// meanwhile, and its keys claimed, changed and acknowledged on other silos. When it runs again, the calls waiting in its
/// sockets reach its old activations before Orleans has reread the membership table and stopped the process: an entry
/// read then would return a value the cluster has replaced (docs/reliability.md, the zombie). Writes need no such
/// guard: storage refuses an older claim's changes (G1).
/// </summary>
/// <remarks>
/// <para>
/// A dedicated thread ticks every <see cref="TickInterval"/>. A gap between ticks, or between the last tick and a read,
/// longer than <see cref="StallThreshold"/> (half the probe timeout: a shorter stall cannot make the silo miss enough
/// probes to be declared dead) makes the silo a suspect until a membership read that began after the stall shows it
/// still active. Until then entry grains serve nothing: they wait for that read, and if it shows the silo dead or fails
/// (the table cannot be reached), they refuse with <see cref="CacheOwnerStalledException"/>, which clients retry.
/// </para>
/// <para>
/// The check on the read path is two volatile reads and a timestamp. A loaded machine that starves the ticker for longer
/// than the threshold costs one membership read, shared by every read waiting on it.
/// </para>
/// </remarks>
internal sealed partial class SiloStallFence : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _local;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _thresholdTicks;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly Lock _confirmLock = new();
    private Thread? _ticker;

    // When the ticker last ran, or a membership read began that cleared a suspicion: the time since is how long the
    // silo may have stood still.
    private long _lastSeenRunning;

    // When a stall was noticed (0: none since the last confirmation). Set before _lastSeenRunning moves past the stall,
    // so a read that sees the new _lastSeenRunning also sees the suspicion.
    private long _suspectSince;

    private Task<long>? _confirming;

    public SiloStallFence(IClusterMembershipService membership, ILocalSiloDetails local, IOptions<ClusterMembershipOptions> options, TimeProvider time, ILogger<SiloStallFence> logger)
    {
        _membership = membership;
        _local = local;
        _time = time;
        _logger = logger;
        StallThreshold = options.Value.ProbeTimeout / 2;
        TickInterval = StallThreshold / 5;
        _thresholdTicks = (long)(StallThreshold.TotalSeconds * time.TimestampFrequency);
        _lastSeenRunning = time.GetTimestamp();
    }

    /// <summary>A stall longer than this makes the silo confirm its membership before serving from memory.</summary>
    public TimeSpan StallThreshold { get; }

    /// <summary>How often the ticker notes that the process runs.</summary>
    public TimeSpan TickInterval { get; }

    /// <summary>Whether the silo currently serves without asking (no stall noticed since its last confirmation).</summary>
    public bool IsTrusted => Volatile.Read(ref _suspectSince) == 0 && _time.GetTimestamp() - Volatile.Read(ref _lastSeenRunning) <= _thresholdTicks;

    /// <summary>
    /// Completes at once while the silo has not stood still; after a stall, once a membership read that began after this
    /// call shows it still active. Throws <see cref="CacheOwnerStalledException"/> when that read shows it dead or cannot
    /// be made.
    /// </summary>
    public ValueTask EnsureTrustedAsync()
    {
        // _lastSeenRunning first: a ticker that moved it past a stall had set _suspectSince before.
        var lastSeen = Volatile.Read(ref _lastSeenRunning);
        var now = _time.GetTimestamp();
        if (now - lastSeen <= _thresholdTicks && Volatile.Read(ref _suspectSince) == 0)
        {
            return ValueTask.CompletedTask;
        }

        if (now - lastSeen > _thresholdTicks)
        {
            Suspect(now, now - lastSeen);
        }

        return new ValueTask(WaitUntilConfirmedAsync(now));
    }

    private async Task WaitUntilConfirmedAsync(long asked)
    {
        // A membership read already under way may have begun before this call's stall: it cannot vouch for it.
        while (await ConfirmAsync() < asked)
        {
        }
    }

    /// <summary>Notes that the process runs; called by the ticker thread (and by tests, with a fake clock).</summary>
    internal void Tick()
    {
        var now = _time.GetTimestamp();
        var gap = now - Volatile.Read(ref _lastSeenRunning);
        if (gap > _thresholdTicks)
        {
            Suspect(now, gap);
        }

        Volatile.Write(ref _lastSeenRunning, now);
    }

    private void Suspect(long now, long gapTicks)
    {
        // The latest stall counts: a membership read that began before it cannot clear it.
        var previous = Volatile.Read(ref _suspectSince);
        InterlockedMax(ref _suspectSince, now);
        if (previous == 0)
        {
            LogStalled(_logger, TimeSpan.FromSeconds((double)gapTicks / _time.TimestampFrequency).TotalSeconds);
        }
    }

    private Task<long> ConfirmAsync()
    {
        lock (_confirmLock)
        {
            // One membership read at a time, shared by every read that waits on it.
            if (_confirming is not { IsCompleted: false })
            {
                _confirming = ConfirmOnceAsync();
            }

            return _confirming;
        }
    }

    /// <summary>Reads the membership and returns when that read began, if it shows this silo active.</summary>
    private async Task<long> ConfirmOnceAsync()
    {
        await Task.Yield();
        var started = _time.GetTimestamp();
        var suspectSince = Volatile.Read(ref _suspectSince);
        SiloStatus status;
        try
        {
            await _membership.Refresh();
            status = _membership.CurrentSnapshot.GetSiloStatus(_local.SiloAddress);
        }
        catch (Exception ex)
        {
            // The cause stays in this silo's log: it may be of a type the caller cannot deserialize.
            LogUnconfirmed(_logger, ex.Message);
            throw new CacheOwnerStalledException($"Silo {_local.SiloAddress} stood still and cannot read the cluster's membership to confirm it is still a member ({ex.Message}); it serves no entry until it can.");
        }

        if (status != SiloStatus.Active)
        {
            LogDeclaredDead(_logger, status.ToString());
            throw new CacheOwnerStalledException($"Silo {_local.SiloAddress} stood still and the cluster's membership now lists it as {status}; its entries are served by other silos.");
        }

        // A suspicion noticed before this read began is answered by it; a later one (a stall during the read) is not.
        if (suspectSince != 0 && suspectSince <= started)
        {
            Interlocked.CompareExchange(ref _suspectSince, 0, suspectSince);
        }

        InterlockedMax(ref _lastSeenRunning, started);
        LogConfirmed(_logger);
        return started;
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Volatile.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(SiloStallFence),
            ServiceLifecycleStage.RuntimeInitialize,
            _ =>
            {
                _lastSeenRunning = _time.GetTimestamp();
                _ticker = new Thread(RunTicker) { IsBackground = true, Name = "OrleansCache stall fence" };
                _ticker.Start();
                return Task.CompletedTask;
            },
            _ =>
            {
                _stopping.Set();
                return Task.CompletedTask;
            });

    private void RunTicker()
    {
        // A thread of its own: a starved thread pool must not look like a stalled process (it only costs a membership
        // read when it does), and the ticks must go on while grains are busy.
        while (!_stopping.Wait(TickInterval))
        {
            Tick();
        }
    }

    public void Dispose() => _stopping.Set();

    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "This silo stood still for {Seconds:0.000} s, long enough to have been declared dead; its entries serve nothing from memory until the cluster's membership shows it still active")]
    private static partial void LogStalled(ILogger logger, double seconds);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "The cluster's membership shows this silo still active after it stood still; its entries serve again")]
    private static partial void LogConfirmed(ILogger logger);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "After standing still, this silo cannot read the cluster's membership ({Reason}); its entries refuse reads until it can")]
    private static partial void LogUnconfirmed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Error, Message = "After standing still, this silo finds itself {Status} in the cluster's membership; its entries refuse every read (Orleans stops the silo)")]
    private static partial void LogDeclaredDead(ILogger logger, string status);
}
