using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Hosting;

namespace OrleansCache.Runtime.Membership;

/// <summary>
/// Keeps this silo in the membership table and the table in this silo's view: heartbeats, reads the table,
/// declares silos dead whose heartbeats stopped, and publishes view changes.
/// </summary>
/// <remarks>
/// Failure detection is done by every silo on its own clock: a silo whose heartbeat count has not moved for
/// <see cref="MembershipOptions.DeathTimeout"/> is marked Dead by compare-and-set, so concurrent observers agree and
/// no clock needs to match another. A silo that finds itself marked Dead stops (fail-stop): it may have been cut off,
/// and the cluster has already moved its grains.
/// </remarks>
internal sealed partial class MembershipService : IAsyncDisposable
{
    private readonly IMembershipTable _table;
    private readonly MembershipOptions _options;
    private readonly LocalSiloDetails _local;
    private readonly SiloOptions _siloOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly Dictionary<SiloAddress, (long Count, long SinceTimestamp)> _observed = [];
    private readonly CancellationTokenSource _stopping = new();
    private MembershipView _view = MembershipView.Empty;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private int _declaredDeadRaised;

    // When this silo last read the table to judge the others (under the refresh lock); null before its first read.
    private long? _lastTableRead;

    // When this silo's last successful heartbeat (or its join) began; 0 before it joined.
    private long _lastHeartbeatStarted;
    private volatile bool _leaving;

    public MembershipService(
        IMembershipTable table,
        IOptions<MembershipOptions> options,
        IOptions<SiloOptions> siloOptions,
        LocalSiloDetails local,
        TimeProvider time,
        ILogger<MembershipService> logger)
    {
        _table = table;
        _options = options.Value;
        _siloOptions = siloOptions.Value;
        _local = local;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised, outside any lock, after each view change.</summary>
    public event Action<MembershipView>? ViewChanged;

    /// <summary>
    /// Raised with the current and the next view just before the next becomes current, under the refresh lock: what
    /// must not be served under the next view (activations whose grain may have had another owner) is fenced off before
    /// any call can be routed by it. Handlers must be quick and must not call back into membership.
    /// </summary>
    public event Action<MembershipView, MembershipView>? ViewChanging;

    /// <summary>Raised once if this silo finds itself declared dead.</summary>
    public event Action? DeclaredDead;

    public MembershipView CurrentView => Volatile.Read(ref _view);

    /// <summary>True once this silo found itself declared dead (it is stopping: fail-stop).</summary>
    public bool IsDeclaredDead => Volatile.Read(ref _declaredDeadRaised) != 0;

    /// <summary>Adds this silo to the table as Active and starts heartbeating.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        var self = _local.Address;
        var snapshot = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);

        // An earlier incarnation on this endpoint is certainly dead: we hold its port now.
        foreach (var stale in snapshot.Entries.Where(e => e.Silo.EndPoint == self.EndPoint && e.Silo.Generation < self.Generation && e.Status != SiloStatus.Dead))
        {
            if (await _table.TryUpdateAsync(stale with { Status = SiloStatus.Dead }, stale.ETag, cancellationToken).ConfigureAwait(false))
            {
                LogSiloDeclaredDead(_logger, stale.Silo, "restarted on the same endpoint");
            }
        }

        await _table.DeleteDefunctAsync(_time.GetUtcNow() - _options.DefunctSiloRetention, cancellationToken).ConfigureAwait(false);

        var now = _time.GetUtcNow();
        var entry = new MembershipEntry
        {
            Silo = self,
            SiloName = _siloOptions.SiloName,
            GatewayEndPoint = _local.GatewayEndPoint,
            Status = SiloStatus.Active,
            StartTime = now,
            IAmAliveTime = now,
        };
        var joinStarted = _time.GetTimestamp();
        if (!await _table.TryInsertAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The membership table already has a row for silo {self}.");
        }

        Volatile.Write(ref _lastHeartbeatStarted, joinStarted);
        LogJoined(_logger, self, _siloOptions.ClusterId);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunLoopAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>The silos the table lists as active now (before this one joins: the cluster it is about to join).</summary>
    public async Task<IReadOnlyList<SiloAddress>> ReadActiveSilosAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        // Earlier incarnations on this silo's own endpoint are gone: this silo holds their port.
        return [.. snapshot.Entries.Where(e => e.Status == SiloStatus.Active && e.Silo.EndPoint != _local.Address.EndPoint).Select(e => e.Silo)];
    }

    /// <summary>
    /// True while no other silo can have declared this one dead: they do so only after seeing no new heartbeat for
    /// <see cref="MembershipOptions.DeathTimeout"/> on their own clocks, so a silo whose last successful heartbeat began
    /// less than that long ago is still a member. A silo cut off from the table (a partition) loses it, and must not
    /// change shared state its grains' new owners may already have read (docs/adr/0038).
    /// </summary>
    public bool HoldsMembershipLease
    {
        get
        {
            var started = Volatile.Read(ref _lastHeartbeatStarted);
            return started != 0 && _time.GetElapsedTime(started) < _options.DeathTimeout;
        }
    }

    /// <summary>
    /// Renews the lease now: a heartbeat, then a read of the table that still shows this silo as a member. False if
    /// either fails or the silo was declared dead (e.g. after a partition, or when a test's manual clock jumped).
    /// </summary>
    public async Task<bool> TryRenewMembershipLeaseAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            if (!await _table.HeartbeatAsync(_local.Address, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogProbeFailed(_logger, ex);
            return false;
        }

        if (Volatile.Read(ref _declaredDeadRaised) != 0 || CurrentView.Find(_local.Address)?.Status is not (SiloStatus.Active or SiloStatus.ShuttingDown))
        {
            return false;
        }

        var known = Volatile.Read(ref _lastHeartbeatStarted);
        while (started > known)
        {
            var previous = Interlocked.CompareExchange(ref _lastHeartbeatStarted, started, known);
            if (previous == known)
            {
                break;
            }

            known = previous;
        }

        return true;
    }

    /// <summary>Moves this silo's row forward to <paramref name="status"/> (never backwards).</summary>
    public async Task SetStatusAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        if (status >= SiloStatus.ShuttingDown)
        {
            _leaving = true;
        }

        for (var attempt = 0; attempt < 10; attempt++)
        {
            var snapshot = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            var row = snapshot.Entries.FirstOrDefault(e => e.Silo.Equals(_local.Address));
            if (row is null || row.Status >= status)
            {
                break;
            }

            if (await _table.TryUpdateAsync(row with { Status = status }, row.ETag, cancellationToken).ConfigureAwait(false))
            {
                LogStatusChanged(_logger, _local.Address, status);
                break;
            }
        }

        await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops heartbeating and probing; the table is not touched (used by both leaving and crashing).</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads the table, declares silos dead whose heartbeats stopped, and publishes a changed view.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken) => RefreshAsync(long.MaxValue, cancellationToken);

    /// <summary>
    /// Reads the table unless the view reaches <paramref name="version"/> first (checked again once the refresh lock is
    /// held): a burst of calls from a newer view makes one table read, not one each.
    /// </summary>
    public Task CatchUpAsync(long version, CancellationToken cancellationToken) =>
        CurrentView.Version >= version ? Task.CompletedTask : RefreshAsync(version, cancellationToken);

    private async Task RefreshAsync(long unlessAtVersion, CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        MembershipView? changed = null;
        try
        {
            if (_view.Version >= unlessAtVersion)
            {
                return;
            }

            var snapshot = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            if (await DeclareSilentSilosDeadAsync(snapshot, cancellationToken).ConfigureAwait(false))
            {
                snapshot = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            }

            CheckSelf(snapshot);
            // A lower version means the table lost its data; keep the view until rejoining lifts the version past it,
            // so activation epochs (built on it) never go back.
            if (snapshot.Version > _view.Version)
            {
                changed = new MembershipView(snapshot.Version, snapshot);
                RaiseViewChanging(_view, changed);
                Volatile.Write(ref _view, changed);
                Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
        finally
        {
            _refreshLock.Release();
        }

        if (changed is not null)
        {
            LogViewChanged(_logger, _local.Address, changed.Version, changed.Owners.Count);
            try
            {
                ViewChanged?.Invoke(changed);
            }
            catch (Exception ex)
            {
                LogViewHandlerFailed(_logger, ex);
            }
        }
    }

    private void RaiseViewChanging(MembershipView current, MembershipView next)
    {
        try
        {
            ViewChanging?.Invoke(current, next);
        }
        catch (Exception ex)
        {
            LogViewHandlerFailed(_logger, ex);
        }
    }

    /// <summary>Waits until the view is newer than <paramref name="knownVersion"/>, or the timeout passes.</summary>
    public async Task WaitForViewChangeAsync(long knownVersion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var changed = Volatile.Read(ref _changed).Task;
        if (CurrentView.Version != knownVersion || timeout <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await changed.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _refreshLock.Dispose();
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ProbeInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var heartbeatStarted = _time.GetTimestamp();
                if (await _table.HeartbeatAsync(_local.Address, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
                {
                    Volatile.Write(ref _lastHeartbeatStarted, heartbeatStarted);
                }
                else
                {
                    await RejoinAsync(cancellationToken).ConfigureAwait(false);
                }

                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The table may be briefly unreachable (e.g. Redis restarting); the next tick tries again.
                LogProbeFailed(_logger, ex);
            }
        }
    }

    /// <summary>
    /// Our row is gone while we are alive: the table's storage lost its data (e.g. Redis restarted without persistence).
    /// Register again, first lifting the table version past everything we have seen, so activation epochs never go back.
    /// A row that was deleted because we were declared dead is not a reason to rejoin: that case ends in fail-stop.
    /// </summary>
    private async Task RejoinAsync(CancellationToken cancellationToken)
    {
        if (_leaving || Volatile.Read(ref _declaredDeadRaised) != 0)
        {
            return;
        }

        LogRowMissing(_logger, _local.Address);
        await _table.EnsureVersionAtLeastAsync(CurrentView.Version + 1, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        await _table.TryInsertAsync(new MembershipEntry
        {
            Silo = _local.Address,
            SiloName = _siloOptions.SiloName,
            GatewayEndPoint = _local.GatewayEndPoint,
            Status = SiloStatus.Active,
            StartTime = now,
            IAmAliveTime = now,
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> DeclareSilentSilosDeadAsync(MembershipSnapshot snapshot, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var unwatched = UnwatchedSinceLastRead(now);
        var declared = false;
        var seen = new HashSet<SiloAddress>();
        foreach (var entry in snapshot.Entries)
        {
            if (entry.Status == SiloStatus.Dead || entry.Silo.Equals(_local.Address))
            {
                continue;
            }

            seen.Add(entry.Silo);
            if (!_observed.TryGetValue(entry.Silo, out var observed) || observed.Count != entry.HeartbeatCount)
            {
                _observed[entry.Silo] = (entry.HeartbeatCount, now);
                continue;
            }

            if (unwatched > 0)
            {
                observed = (observed.Count, observed.SinceTimestamp + unwatched);
                _observed[entry.Silo] = observed;
            }

            var silence = _time.GetElapsedTime(observed.SinceTimestamp, now);
            if (silence <= _options.DeathTimeout)
            {
                continue;
            }

            if (await _table.TryUpdateAsync(entry with { Status = SiloStatus.Dead }, entry.ETag, cancellationToken).ConfigureAwait(false))
            {
                LogSiloDeclaredDead(_logger, entry.Silo, $"no heartbeat for {silence.TotalMilliseconds:0} ms");
            }

            declared = true;
        }

        foreach (var gone in _observed.Keys.Where(s => !seen.Contains(s)).ToList())
        {
            _observed.Remove(gone);
        }

        return declared;
    }

    /// <summary>
    /// How long (in timestamp units) this silo did not watch the table before this read, beyond its usual probe interval,
    /// if it went longer than half a death timeout without reading: a silence is evidence only while the observer was
    /// reading. After a gap in its own reads (the table unreachable,
    /// as while Redis restarts, or this process stalled), the others' heartbeats may have failed for the same reason
    /// and be about to resume, so the gap is not counted against them (seen in a fault-injection run: after two quick
    /// Redis restarts, a silo whose Redis client came back seconds after the observer's was declared dead). Sustained
    /// slowness only slows detection: each read still counts one probe interval of silence.
    /// </summary>
    private long UnwatchedSinceLastRead(long now)
    {
        var last = _lastTableRead;
        _lastTableRead = now;
        if (last is null)
        {
            return 0;
        }

        // Only an outage counts as a gap, not the jitter of a loaded machine (which would slow detection down).
        var sinceLast = _time.GetElapsedTime(last.Value, now);
        var gap = TimeSpan.FromTicks(Math.Max(_options.ProbeInterval.Ticks * 2, _options.DeathTimeout.Ticks / 2));
        return sinceLast > gap
            ? (long)((sinceLast - _options.ProbeInterval).TotalSeconds * _time.TimestampFrequency)
            : 0;
    }

    private void CheckSelf(MembershipSnapshot snapshot)
    {
        if (!_local.IsBound)
        {
            return;
        }

        var self = snapshot.Entries.FirstOrDefault(e => e.Silo.Equals(_local.Address));
        if (self?.Status == SiloStatus.Dead && !_leaving && Interlocked.Exchange(ref _declaredDeadRaised, 1) == 0)
        {
            LogSelfDeclaredDead(_logger, _local.Address);
            DeclaredDead?.Invoke();
        }
    }
}
