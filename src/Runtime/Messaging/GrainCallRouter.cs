using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Proxies;
using OrleansCache.Runtime.Activation;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Placement;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Runtime.Messaging;

/// <summary>
/// Delivers every call to its grain's owner: runs it here if this silo owns the grain, forwards it otherwise.
/// Retries across membership changes until the call's deadline, but only where the call certainly did not run.
/// </summary>
/// <remarks>
/// Calls are at most once: if the owner's connection drops after a call was sent, the caller gets an
/// "unavailable" failure saying the call may or may not have run; it is never sent twice.
/// </remarks>
internal sealed partial class GrainCallRouter : IGrainCallInvoker
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    private readonly Catalog _catalog;
    private readonly MembershipService _membership;
    private readonly SiloConnectionPool _pool;
    private readonly LocalSiloDetails _local;
    private readonly SiloMessagingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RuntimeMetrics _metrics;
    private readonly SiloMessenger _messenger;

    public GrainCallRouter(
        Catalog catalog,
        MembershipService membership,
        SiloConnectionPool pool,
        LocalSiloDetails local,
        IOptions<SiloMessagingOptions> options,
        TimeProvider time,
        ILogger<GrainCallRouter> logger,
        RuntimeMetrics metrics,
        SiloMessenger messenger)
    {
        _catalog = catalog;
        _membership = membership;
        _pool = pool;
        _local = local;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _messenger = messenger;
    }

    /// <summary>Routes a call to its owner and returns its response; never throws.</summary>
    public async Task<Response> RouteAsync(Request request)
    {
        if (string.Equals(request.GrainType, SiloMessenger.SystemGrainType, StringComparison.Ordinal))
        {
            // Addressed to this silo, not to a grain: no placement.
            return await _messenger.HandleRequestAsync(request).ConfigureAwait(false);
        }

        var started = _time.GetTimestamp();
        var timeout = RequestTimeout.Of(request, _options.CallTimeout);
        var deadline = started + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        var response = await RouteUntilDeadlineAsync(request, deadline).ConfigureAwait(false);
        _metrics.CallHandled(response.Failure?.Kind.ToString() ?? "ok", _time.GetElapsedTime(started).TotalMilliseconds);
        return response;
    }

    /// <summary>Grain-to-grain calls made by grains on this silo.</summary>
    public async Task<ByteString> InvokeAsync(Request request, CancellationToken cancellationToken)
    {
        request.TimeoutMs = (uint)_options.CallTimeout.TotalMilliseconds;
        var response = await RouteAsync(request).WaitAsync(cancellationToken).ConfigureAwait(false);
        return ResponseErrors.ResultOrThrow(response, request);
    }

    private async Task<Response> RouteUntilDeadlineAsync(Request request, long deadline)
    {
        GrainId grainId;
        try
        {
            grainId = new GrainId(request.GrainType, request.GrainKey);
        }
        catch (ArgumentException ex)
        {
            return Failures.BadRequest(ex.Message);
        }

        var retryDelay = FirstRetryDelay;
        string lastProblem = "no active silo owns it";
        while (true)
        {
            var remaining = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                return Failures.Unavailable($"No owner of {grainId} could be reached before the deadline: {lastProblem}.");
            }

            if (_membership.IsDeclaredDead)
            {
                // The others refuse what this silo forwards, and it is stopping: retrying until the deadline would only
                // hold the stop up (seen in the soak: fail-stops waited out the 30 s shutdown timeout). The caller
                // sends the call again through another silo.
                return Failures.Unavailable($"This silo was declared dead by the cluster and is stopping; {grainId} was not run here.");
            }

            var view = _membership.CurrentView;
            if (request.MembershipVersion > view.Version)
            {
                // The sender knows a newer table: catch up before deciding, or the call may bounce between silos.
                var refreshed = await TryRefreshAsync(remaining, request.MembershipVersion).ConfigureAwait(false);
                view = _membership.CurrentView;
                if (!refreshed && request.MembershipVersion > view.Version)
                {
                    // This silo cannot read the table, and the caller has seen a newer one: by this view the grain may
                    // be placed wrongly and its activation here may be stale, which could send the caller's reads
                    // backwards (docs/adr/0038). Wait for the table rather than serve from a view known to be old.
                    lastProblem = $"this silo cannot read the membership table (its view is version {view.Version}) and the caller has seen version {request.MembershipVersion}";
                    await WaitBeforeRetryAsync(view.Version, NextDelay(ref retryDelay, remaining)).ConfigureAwait(false);
                    continue;
                }
            }

            var owner = RendezvousPlacement.SelectOwner(grainId, view.Owners);
            if (owner is null)
            {
                await WaitBeforeRetryAsync(view.Version, NextDelay(ref retryDelay, remaining)).ConfigureAwait(false);
                continue;
            }

            if (owner.Equals(_local.Address))
            {
                var local = await _catalog.InvokeAsync(request, deadline).ConfigureAwait(false);
                if (local is not null)
                {
                    return local;
                }

                lastProblem = "its activation was moving";
                if (_catalog.IsCreationStopped)
                {
                    // This silo is leaving but its view does not show it yet: wait for the view to catch up.
                    await WaitBeforeRetryAsync(view.Version, NextDelay(ref retryDelay, remaining)).ConfigureAwait(false);
                }

                continue;
            }

            if (request.Hops >= _options.MaxForwardHops)
            {
                LogForwardingLoop(_logger, grainId, request.Hops);
                return Failures.Unavailable($"{grainId} was forwarded {request.Hops} times; the silos' views disagree.");
            }

            var forwarded = request.Clone();
            forwarded.Hops++;
            forwarded.TimeoutMs = (uint)Math.Max(1, remaining.TotalMilliseconds);
            forwarded.MembershipVersion = view.Version;
            try
            {
                // Usually the connection is open already: only a connection still being made needs a timer on the wait.
                var connecting = _pool.GetAsync(owner, CancellationToken.None);
                var connection = connecting.IsCompletedSuccessfully ? connecting.Result : await connecting.WaitAsync(remaining, _time).ConfigureAwait(false);
                _metrics.CallForwarded();
                var response = await connection.SendRequestAsync(forwarded, remaining).ConfigureAwait(false);
                if (response.Failure?.Kind == FailureKind.Unavailable && _time.GetElapsedTime(_time.GetTimestamp(), deadline) > TimeSpan.Zero)
                {
                    // The owner could not place it either (views differ); it did not run it. Try again with a newer view.
                    lastProblem = response.Failure.Message;
                    await WaitBeforeRetryAsync(view.Version, NextDelay(ref retryDelay, remaining)).ConfigureAwait(false);
                    continue;
                }

                return response;
            }
            catch (Exception ex) when (ex is SiloUnreachableException or ConnectionDrainingException)
            {
                // Nothing was sent: safe to retry. The owner may be leaving or dead; read the table now rather than
                // at the next probe, then wait for the view to change.
                lastProblem = ex.Message;
                LogOwnerUnreachable(_logger, grainId, owner, ex.Message);
                await TryRefreshAsync(remaining, long.MaxValue).ConfigureAwait(false);
                if (_membership.CurrentView.Version == view.Version)
                {
                    await WaitBeforeRetryAsync(view.Version, NextDelay(ref retryDelay, remaining)).ConfigureAwait(false);
                }
            }
            catch (TimeoutException)
            {
                lastProblem = $"connecting to {owner} timed out";
            }
            catch (ConnectionLostException ex)
            {
                return Failures.Unavailable($"Silo {owner} failed while running {grainId}.{request.Method}; the call may or may not have run. ({ex.Message})");
            }
            catch (GrainCallTimeoutException ex)
            {
                return Failures.Timeout(ex.Message);
            }
            catch (MessageTooLargeException ex)
            {
                return Failures.BadRequest(ex.Message);
            }
        }
    }

    /// <summary>Exponential backoff, capped, and never past the deadline.</summary>
    private static TimeSpan NextDelay(ref TimeSpan retryDelay, TimeSpan remaining)
    {
        var wait = retryDelay < remaining ? retryDelay : remaining;
        retryDelay = retryDelay * 2 < MaxRetryDelay ? retryDelay * 2 : MaxRetryDelay;
        return wait;
    }

    /// <summary>Waits for a newer membership view, or <paramref name="wait"/> at most.</summary>
    private Task WaitBeforeRetryAsync(long viewVersion, TimeSpan wait) =>
        _membership.WaitForViewChangeAsync(viewVersion, wait, CancellationToken.None);

    /// <summary>
    /// Reads the membership table now unless the view reaches <paramref name="version"/> meanwhile, waiting
    /// <paramref name="timeout"/> at most; false if that failed.
    /// </summary>
    private async Task<bool> TryRefreshAsync(TimeSpan timeout, long version)
    {
        var refresh = _membership.CatchUpAsync(version, CancellationToken.None);
        try
        {
            await refresh.WaitAsync(timeout, _time).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            if (!refresh.IsCompleted)
            {
                // Given up on, not abandoned: the refresh goes on, and its failure, if any, is observed here.
                _ = refresh.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            LogRefreshFailed(_logger, ex.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "Call to {GrainId} was forwarded {Hops} times; refusing it")]
    private static partial void LogForwardingLoop(ILogger logger, GrainId grainId, uint hops);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Debug, Message = "Owner {Silo} of {GrainId} is unreachable: {Reason}")]
    private static partial void LogOwnerUnreachable(ILogger logger, GrainId grainId, SiloAddress silo, string reason);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Debug, Message = "Refreshing the membership view failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
