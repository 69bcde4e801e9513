using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Security;

namespace OrleansCache.Runtime.Messaging;

/// <summary>
/// One outbound connection per other silo, opened on first use and dropped when it closes. The handshake checks
/// the remote silo's generation, so a call is never delivered to a restarted silo that took over a dead one's port.
/// </summary>
internal sealed partial class SiloConnectionPool : IEnvelopeHandler, IAsyncDisposable
{
    private readonly ConcurrentDictionary<SiloAddress, Lazy<Task<FramedConnection>>> _connections = new();
    private readonly SiloMessagingOptions _options;
    private readonly SiloOptions _siloOptions;
    private readonly LocalSiloDetails _local;
    private readonly SiloSecurity _security;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile bool _closed;

    public SiloConnectionPool(
        IOptions<SiloMessagingOptions> options,
        IOptions<SiloOptions> siloOptions,
        LocalSiloDetails local,
        SiloSecurity security,
        TimeProvider time,
        ILogger<SiloConnectionPool> logger)
    {
        _options = options.Value;
        _siloOptions = siloOptions.Value;
        _local = local;
        _security = security;
        _time = time;
        _logger = logger;
    }

    /// <exception cref="SiloUnreachableException">No connection could be made; nothing was sent.</exception>
    public Task<FramedConnection> GetAsync(SiloAddress target, CancellationToken cancellationToken)
    {
        // Every forwarded call asks: hand back the completed task of an open connection, which costs no allocation.
        if (_connections.TryGetValue(target, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully
            && entry.Value.Result is { IsClosed: false, IsDraining: false } && !_closed)
        {
            return entry.Value;
        }

        return ConnectOrReuseAsync(target, cancellationToken);
    }

    private async Task<FramedConnection> ConnectOrReuseAsync(SiloAddress target, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var entry = _connections.GetOrAdd(target, t => new Lazy<Task<FramedConnection>>(() => ConnectAsync(t)));
            try
            {
                var connection = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (!connection.IsClosed && !connection.IsDraining)
                {
                    return connection;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                _connections.TryRemove(new KeyValuePair<SiloAddress, Lazy<Task<FramedConnection>>>(target, entry));
                throw ex as SiloUnreachableException ?? new SiloUnreachableException($"Cannot reach silo {target}: {ex.Message}", ex);
            }

            _connections.TryRemove(new KeyValuePair<SiloAddress, Lazy<Task<FramedConnection>>>(target, entry));
        }

        throw new SiloUnreachableException($"Connections to silo {target} keep closing.");
    }

    /// <summary>
    /// Connects to each of <paramref name="silos"/> (before this silo joins), so a silo the cluster would refuse, for a
    /// wrong secret or an untrusted certificate, fails to start instead of joining a cluster that cannot call it.
    /// Silos that cannot be reached are left to failure detection.
    /// </summary>
    /// <exception cref="ClusterAuthenticationException">A silo refused this one, or this one could not trust it.</exception>
    public async Task EnsureAdmittedAsync(IEnumerable<SiloAddress> silos, CancellationToken cancellationToken)
    {
        var attempts = silos.Select(async silo =>
        {
            try
            {
                await GetAsync(silo, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (SiloUnreachableException ex) when (ex.InnerException is ClusterAuthenticationException refused)
            {
                return new ClusterAuthenticationException(
                    $"This silo cannot join cluster '{_siloOptions.ClusterId}': {refused.Message} Every silo of a cluster needs the same Security settings.",
                    refused);
            }
            catch (SiloUnreachableException ex)
            {
                LogAdmissionCheckSkipped(_logger, silo, ex.Message);
                return (ClusterAuthenticationException?)null;
            }
        });
        var refusals = await Task.WhenAll(attempts).ConfigureAwait(false);
        if (refusals.FirstOrDefault(r => r is not null) is { } refusal)
        {
            throw refusal;
        }
    }

    /// <summary>
    /// Closes the connection to a silo the cluster declared dead: calls waiting on it fail now (with
    /// <see cref="ConnectionLostException"/>; their outcome is unknown, as after a crash) instead of at their timeout, and
    /// the dead silo, if it still runs, is not kept waiting for this one to hang up while it stops (seen in a fault
    /// run: a silo declared dead stopped only when a peer's call to it timed out, 30 s later).
    /// </summary>
    public void CloseTo(SiloAddress target)
    {
        if (_connections.TryRemove(target, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
        {
            LogClosingToDead(_logger, target);
            entry.Value.Result.Close(new SiloUnreachableException($"Silo {target} was declared dead."));
        }
    }

    /// <summary>Closes every connection at once (crash or end of a graceful stop).</summary>
    public void CloseAll()
    {
        _closed = true;
        foreach (var entry in _connections.Values)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
            {
                entry.Value.Result.Close(null);
            }
        }

        _connections.Clear();
    }

    public ValueTask DisposeAsync()
    {
        CloseAll();
        return ValueTask.CompletedTask;
    }

    void IEnvelopeHandler.OnEnvelope(FramedConnection connection, Envelope envelope)
    {
        var state = (OutboundState)connection.PeerState!;
        if (state.TryAcceptHandshake(envelope))
        {
            return;
        }

        if (envelope.BodyCase == Envelope.BodyOneofCase.Closing)
        {
            // The silo is leaving: new calls must not use this connection; it closes once its calls are answered.
            Forget(state.Target, connection);
            connection.CloseWhenIdle();
            return;
        }

        throw new Core.Messaging.ProtocolViolationException($"Silo {state.Target} sent an unexpected {envelope.BodyCase} on an outbound connection.");
    }

    void IEnvelopeHandler.OnClosed(FramedConnection connection, Exception? reason)
    {
        var state = (OutboundState)connection.PeerState!;
        state.Welcome.TrySetException(new SiloUnreachableException($"Silo {state.Target} closed the connection during the handshake.", reason ?? new IOException("Connection closed.")));

        // Marked observed: a handshake that already gave up (it timed out) never looks at it (found by the fuzz suite).
        _ = state.Welcome.Task.Exception;
        Forget(state.Target, connection);
        LogClosed(_logger, state.Target, reason?.Message);
    }

    private void Forget(SiloAddress target, FramedConnection connection)
    {
        if (_connections.TryGetValue(target, out var entry) && entry.IsValueCreated
            && entry.Value.IsCompletedSuccessfully && ReferenceEquals(entry.Value.Result, connection))
        {
            _connections.TryRemove(new KeyValuePair<SiloAddress, Lazy<Task<FramedConnection>>>(target, entry));
        }
    }

    private async Task<FramedConnection> ConnectAsync(SiloAddress target)
    {
        EndPoint endPoint = IPAddress.TryParse(target.Host, out var ip) ? new IPEndPoint(ip, target.Port) : new DnsEndPoint(target.Host, target.Port);
        var (connection, welcome) = await OutboundConnector.ConnectAsync(
            endPoint,
            $"silo {target}",
            new OutboundState(target),
            new Hello { ClusterId = _siloOptions.ClusterId, Role = PeerRole.Silo, PeerName = _local.Address.ToString() },
            _security.Outbound,
            this,
            _options.Connection,
            _options.ConnectTimeout,
            _time,
            _logger,
            CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!string.IsNullOrEmpty(welcome.Rejection))
            {
                throw new SiloUnreachableException($"Silo {target} refused the connection: {welcome.Rejection}");
            }

            if (!string.Equals(welcome.SiloAddress, target.ToString(), StringComparison.Ordinal))
            {
                throw new SiloUnreachableException($"Expected silo {target} but {welcome.SiloAddress} answered; the old incarnation is gone.");
            }

            return connection;
        }
        catch (Exception ex)
        {
            connection.Close(ex);
            throw;
        }
    }

    private sealed class OutboundState(SiloAddress target) : OutboundPeerState
    {
        public SiloAddress Target { get; } = target;
    }

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "Closing the connection to silo {Silo}: it was declared dead")]
    private static partial void LogClosingToDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Could not reach silo {Silo} before joining ({Reason}); failure detection will judge it")]
    private static partial void LogAdmissionCheckSkipped(ILogger logger, SiloAddress silo, string reason);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Connection to silo {Silo} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, SiloAddress silo, string? reason);
}
