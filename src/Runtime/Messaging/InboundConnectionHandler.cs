using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Security;
using OrleansCache.Runtime.Activation;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Security;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Runtime.Messaging;

/// <summary>
/// Serves connections accepted by Kestrel on one of the silo's ports: the handshake (with a shared secret configured,
/// a challenge-response: docs/adr/0020-cluster-authentication.md), then requests.
/// A connection that breaks the protocol or fails to authenticate is closed, logged and counted; nothing else is affected.
/// </summary>
internal sealed partial class InboundConnectionHandler : IEnvelopeHandler
{
    private readonly PeerRole _role;
    private readonly string _roleName;
    private readonly GrainCallRouter _router;
    private readonly MembershipService _membership;
    private readonly LocalSiloDetails _local;
    private readonly SiloOptions _siloOptions;
    private readonly SiloMessagingOptions _options;
    private readonly GatewayClients _clients;
    private readonly SiloMessenger _messenger;
    private readonly SiloSecurity _security;
    private readonly InFlightCounter _inFlight;
    private readonly RuntimeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<FramedConnection, byte> _open = new();
    private volatile bool _refusing;
    private volatile bool _dead;

    public InboundConnectionHandler(
        PeerRole role,
        GrainCallRouter router,
        MembershipService membership,
        LocalSiloDetails local,
        IOptions<SiloOptions> siloOptions,
        IOptions<SiloMessagingOptions> options,
        GatewayClients clients,
        SiloMessenger messenger,
        SiloSecurity security,
        InFlightCounter inFlight,
        RuntimeMetrics metrics,
        TimeProvider time,
        ILogger<InboundConnectionHandler> logger)
    {
        _role = role;
        _roleName = role == PeerRole.Client ? "client" : "silo";
        _router = router;
        _membership = membership;
        _local = local;
        _siloOptions = siloOptions.Value;
        _options = options.Value;
        _clients = clients;
        _messenger = messenger;
        _security = security;
        _inFlight = inFlight;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Graceful stop, first step: refuse new handshakes and tell every connected peer to send nothing new here.
    /// Each peer closes its connection once its calls are answered.
    /// </summary>
    public void BeginClosing(string reason)
    {
        _refusing = true;
        foreach (var connection in _open.Keys)
        {
            connection.TrySend(new Envelope { Closing = new Closing { Reason = reason } });
        }
    }

    /// <summary>Completes when every peer has closed its connection, or the timeout passed.</summary>
    public async Task WaitForPeersToCloseAsync(TimeSpan timeout)
    {
        try
        {
            await Task.WhenAll(_open.Keys.Select(c => c.Completion)).WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Which peers, and whether calls were still running here, tells a peer that ignored the Closing apart from
            // one still waiting for an answer.
            var open = string.Join(", ", _open.Keys.Select(c => ((InboundState)c.PeerState!).Handshaken ? c.Name : c.Name + " (handshaking)"));
            LogPeersStillOpen(_logger, _roleName, _open.Count, open, _inFlight.Count);
        }
    }

    /// <summary>Crash: from now on nothing received is handled, and every open connection is closed at once.</summary>
    public void Kill()
    {
        _dead = true;
        _refusing = true;
        AbortAll();
    }

    /// <summary>Closes every open connection at once.</summary>
    public void AbortAll()
    {
        foreach (var connection in _open.Keys)
        {
            connection.Close(null);
        }
    }

    public async Task OnConnectedAsync(ConnectionContext context)
    {
        var state = new InboundState();
        // Over TLS the connection closes by cancelling the transport underneath (TlsTransportFeature); otherwise it
        // cancels its own pipes, which Kestrel's support.
        var connection = new FramedConnection(
            context.Transport, _options.Connection, this, _time, _logger, $"{_roleName} {context.RemoteEndPoint}", context.Features.Get<TlsTransportFeature>())
        {
            PeerState = state,
        };
        _open.TryAdd(connection, 0);
        _metrics.ConnectionOpened(_roleName);
        using var closeRequested = context.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested.Register(() => connection.Close(null));
        using var handshakeTimer = _time.CreateTimer(
            _ =>
            {
                if (!state.Handshaken)
                {
                    LogHandshakeTimeout(_logger, connection.Name);
                    _metrics.ConnectionRejected("handshake_timeout");
                    connection.Close(new TimeoutException("No handshake in time."));
                }
            },
            null,
            _options.Connection.HandshakeTimeout,
            Timeout.InfiniteTimeSpan);
        connection.Start();
        await connection.Completion.ConfigureAwait(false);
    }

    public void OnEnvelope(FramedConnection connection, Envelope envelope)
    {
        if (_dead)
        {
            connection.Close(null);
            return;
        }

        var state = (InboundState)connection.PeerState!;
        if (!state.Handshaken)
        {
            if (state.Refused)
            {
                // Refused and closing: whatever else the peer sends is not read.
                return;
            }

            if (state.PendingHello is null)
            {
                if (envelope.BodyCase != Envelope.BodyOneofCase.Hello)
                {
                    throw new ProtocolViolationException($"The first frame must be Hello, not {envelope.BodyCase}.");
                }

                Handshake(connection, state, envelope.Hello);
                return;
            }

            if (envelope.BodyCase != Envelope.BodyOneofCase.AuthProof)
            {
                throw new ProtocolViolationException($"The answer to the authentication challenge must be AuthProof, not {envelope.BodyCase}.");
            }

            CheckProof(connection, state, envelope.AuthProof);
            return;
        }

        switch (envelope.BodyCase)
        {
            case Envelope.BodyOneofCase.Request when state.PeerSilo is { } peer && _membership.CurrentView.Dead.Contains(peer):
                RefuseFromDeadSilo(connection, envelope.Request, peer);
                break;
            case Envelope.BodyOneofCase.Request:
                if (_role == PeerRole.Client)
                {
                    _clients.OnRequest(connection, envelope.Request);
                }

                _ = HandleRequestAsync(connection, envelope.Request);
                break;
            case Envelope.BodyOneofCase.Push when _role == PeerRole.Silo:
                _messenger.OnPush(state.PeerSilo!, envelope.Push);
                break;
            case Envelope.BodyOneofCase.Push:
                _clients.OnMessage(connection, envelope.Push);
                break;
            default:
                throw new ProtocolViolationException($"Unexpected {envelope.BodyCase} from a {_roleName}.");
        }
    }

    public void OnClosed(FramedConnection connection, Exception? reason)
    {
        _open.TryRemove(connection, out _);
        _clients.Remove(connection);
        if (((InboundState)connection.PeerState!).PeerSilo is { } peer)
        {
            _messenger.OnConnectionLost(peer);
        }

        _metrics.ConnectionClosed(_roleName);
        if (reason is ProtocolViolationException violation)
        {
            _metrics.ConnectionRejected("protocol_violation");
            _metrics.FrameRejected(violation.Reason);
        }
    }

    private void Handshake(FramedConnection connection, InboundState state, Hello hello)
    {
        SiloAddress? peerSilo = null;
        if (_role == PeerRole.Silo && hello.Role == PeerRole.Silo)
        {
            try
            {
                peerSilo = SiloAddress.Parse(hello.PeerName);
            }
            catch (FormatException)
            {
                throw new ProtocolViolationException($"A silo introduced itself as '{hello.PeerName}', which is not a silo address.");
            }
        }

        var rejection = hello switch
        {
            { ProtocolVersion: not FrameCodec.ProtocolVersion } => $"protocol version {hello.ProtocolVersion} is not supported; this silo speaks {FrameCodec.ProtocolVersion}",
            _ when !string.Equals(hello.ClusterId, _siloOptions.ClusterId, StringComparison.Ordinal) => $"cluster id '{hello.ClusterId}' does not match this silo's cluster",
            _ when hello.Role != _role => $"this port serves {_roleName}s, not {hello.Role}",
            _ when _refusing => "this silo is shutting down; connect to another",
            _ => null,
        };

        if (rejection is not null)
        {
            LogHandshakeRefused(_logger, connection.Name, hello.PeerName, rejection);
            Refuse(connection, state, rejection, RejectionCode.Unspecified, "handshake_refused");
            return;
        }

        if (!_security.RequiresAuthentication)
        {
            Accept(connection, state, hello, peerSilo, proof: null);
            return;
        }

        if (hello.AuthNonce.Length != HandshakeProof.NonceLength)
        {
            LogHandshakeRefused(_logger, connection.Name, hello.PeerName, "it presented no credentials");
            Refuse(connection, state, "this cluster requires authentication", RejectionCode.AuthenticationRequired, "auth");
            return;
        }

        state.PendingHello = hello;
        state.PendingPeerSilo = peerSilo;
        state.AcceptingNonce = HandshakeProof.NewNonce();
        connection.TrySend(new Envelope { AuthChallenge = new AuthChallenge { Nonce = ByteString.CopyFrom(state.AcceptingNonce) } });
    }

    private void CheckProof(FramedConnection connection, InboundState state, AuthProof answer)
    {
        var hello = state.PendingHello!;
        var nonce = state.AcceptingNonce!;
        var key = _security.FindKey(_role, hello, nonce, answer.Proof.Span);
        if (key is null)
        {
            LogAuthenticationFailed(_logger, connection.Name, hello.PeerName, _security.Describe(_role, hello.KeyId));
            Refuse(connection, state, "authentication failed", RejectionCode.AuthenticationFailed, "auth");
            return;
        }

        Accept(connection, state, hello, state.PendingPeerSilo, HandshakeProof.Accepting(key, hello, nonce));
    }

    private void Refuse(FramedConnection connection, InboundState state, string rejection, RejectionCode code, string reason)
    {
        state.Refused = true;
        _metrics.ConnectionRejected(reason);
        connection.TrySend(new Envelope { Welcome = new Welcome { Rejection = rejection, RejectionCode = code } });
        _ = connection.CloseGracefullyAsync(TimeSpan.FromSeconds(1));
    }

    private void Accept(FramedConnection connection, InboundState state, Hello hello, SiloAddress? peerSilo, byte[]? proof)
    {
        state.Handshaken = true;
        state.PeerSilo = peerSilo;
        var view = _membership.CurrentView;
        var welcome = new Welcome { SiloAddress = _local.Address.ToString(), MembershipVersion = view.Version };
        welcome.Gateways.AddRange(view.Gateways);
        if (proof is not null)
        {
            welcome.AuthProof = ByteString.CopyFrom(proof);
        }

        connection.TrySend(new Envelope { Welcome = welcome });
        if (_refusing)
        {
            // A graceful stop began while this handshake was being accepted: its Closing may have gone out before the
            // Welcome, where the peer does not read it. Say it again, after the Welcome, or the peer keeps the
            // connection open until the stop gives up on it.
            connection.TrySend(new Envelope { Closing = new Closing { Reason = "silo shutting down" } });
        }

        if (_role == PeerRole.Client)
        {
            _clients.Add(connection, hello.PeerName);
        }

        LogAccepted(_logger, connection.Name, hello.PeerName);
    }

    /// <summary>
    /// A silo the cluster declared dead may still run, cut off and not knowing it yet. The calls it forwards are client
    /// calls that their clients may have sent again through another gateway (their connections to it were lost), so
    /// running them could apply a write twice, the second after later changes: found by the fault-injection runner, a
    /// Set that a dead silo forwarded once its partition healed brought back a value a bridge message had invalidated.
    /// They are refused; the dead silo fails its callers.
    /// </summary>
    private void RefuseFromDeadSilo(FramedConnection connection, Request request, SiloAddress peer)
    {
        _metrics.CallRejected("from_dead_silo");
        LogRefusedFromDeadSilo(_logger, peer, request.GrainType, request.Method);
        var failure = Failures.Unavailable($"silo {peer} was declared dead by the cluster; calls it forwards are refused");
        failure.Id = request.Id;
        connection.TrySend(new Envelope { Response = failure });
    }

    private async Task HandleRequestAsync(FramedConnection connection, Request request)
    {
        _inFlight.Increment();
        try
        {
            var response = await _router.RouteAsync(request).ConfigureAwait(false);
            response.Id = request.Id;
            try
            {
                await connection.SendAsync(new Envelope { Response = response }).ConfigureAwait(false);
            }
            catch (MessageTooLargeException ex)
            {
                var failure = Failures.BadRequest($"The response is too large to send: {ex.Message}");
                failure.Id = request.Id;
                await connection.SendAsync(new Envelope { Response = failure }).ConfigureAwait(false);
            }
        }
        catch (ConnectionLostException)
        {
            // The caller is gone; so is its interest in the response.
        }
        catch (Exception ex)
        {
            LogRequestFailed(_logger, connection.Name, ex);
        }
        finally
        {
            _inFlight.Decrement();
        }
    }

    private sealed class InboundState
    {
        public volatile bool Handshaken;

        public volatile bool Refused;

        public SiloAddress? PeerSilo { get; set; }

        /// <summary>The Hello of a peer that was sent a challenge and has not answered yet.</summary>
        public Hello? PendingHello { get; set; }

        public byte[]? AcceptingNonce { get; set; }

        /// <summary>The silo a pending Hello claims to be; it becomes <see cref="PeerSilo"/> only once proven.</summary>
        public SiloAddress? PendingPeerSilo { get; set; }
    }

    [LoggerMessage(EventId = 3507, Level = LogLevel.Warning, Message = "Refused a call to {GrainType}.{Method} forwarded by silo {Silo}: the cluster declared it dead")]
    private static partial void LogRefusedFromDeadSilo(ILogger logger, SiloAddress silo, string grainType, string method);

    [LoggerMessage(EventId = 3501, Level = LogLevel.Debug, Message = "Accepted {Connection} from {Peer}")]
    private static partial void LogAccepted(ILogger logger, string connection, string peer);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Warning, Message = "Refused {Connection} from {Peer}: {Reason}")]
    private static partial void LogHandshakeRefused(ILogger logger, string connection, string peer, string reason);

    [LoggerMessage(EventId = 3506, Level = LogLevel.Warning, Message = "Refused {Connection} from {Peer}: authentication failed with {Key}")]
    private static partial void LogAuthenticationFailed(ILogger logger, string connection, string peer, string key);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Warning, Message = "Closing {Connection}: no handshake in time")]
    private static partial void LogHandshakeTimeout(ILogger logger, string connection);

    [LoggerMessage(EventId = 3505, Level = LogLevel.Warning, Message = "{Count} {Role} connections were still open at the end of the graceful stop ({Connections}; {InFlight} calls in progress on this silo); closing them")]
    private static partial void LogPeersStillOpen(ILogger logger, string role, int count, string connections, int inFlight);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Error, Message = "Handling a request on {Connection} failed")]
    private static partial void LogRequestFailed(ILogger logger, string connection, Exception exception);
}
