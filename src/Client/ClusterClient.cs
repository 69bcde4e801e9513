using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansCache.Core;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Proxies;
using OrleansCache.Core.Security;

namespace OrleansCache.Client;

/// <summary>
/// The cluster client: one gateway connection at a time, reconnection with backoff across every gateway it knows,
/// and grain references that send through it.
/// </summary>
internal sealed partial class ClusterClient : IClusterClient, IGrainCallInvoker, IEnvelopeHandler
{
    private readonly ClusterClientOptions _options;
    private readonly OutboundSecurity _security;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GrainReferenceFactory _references;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _lock = new();
    private readonly List<string> _learnedGateways = [];
    private FramedConnection? _current;
    private TaskCompletionSource<FramedConnection> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _reconnectLoop;
    private Exception? _lastConnectError;
    private bool _everConnected;
    private Task _reconnectGate = Task.CompletedTask;
    private string[] _providedGateways = [];
    private int _disposed;

    // The newest membership version the cluster has shown this client; every request carries it (docs/adr/0038).
    private long _knownMembershipVersion;

    public ClusterClient(ClusterClientOptions options, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ClusterClientOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _security = CreateSecurity(options.Security);
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ClusterClient>();
        _references = new GrainReferenceFactory(this);
    }

    public event EventHandler<GatewayConnectedEventArgs>? Connected;

    public event EventHandler<GatewayDisconnectedEventArgs>? Disconnected;

    /// <summary>
    /// Raised on the read loop for every push from the gateway, with the connection it came on (pushes are numbered per
    /// connection); handlers must return quickly.
    /// </summary>
    internal event Action<Push, object>? PushReceived;

    public bool IsConnected => Volatile.Read(ref _current) is { IsClosed: false };

    public string? CurrentGateway => (Volatile.Read(ref _current)?.PeerState as GatewayState)?.Gateway;

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _references.GetGrain<TGrainInterface>(key);
    }

    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var budget = _options.ConnectTimeout * Math.Max(1, _options.Gateways.Count);
        await WaitForConnectionAsync(budget, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a one-way message to the gateway, waiting for a connection and for room in its queue.</summary>
    /// <exception cref="ClusterUnavailableException">No gateway within the response timeout.</exception>
    internal async Task PostAsync(string stream, ByteString payload, CancellationToken cancellationToken)
    {
        var connection = await WaitForConnectionAsync(_options.ResponseTimeout, cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(new Envelope { Push = new Push { Stream = stream, Payload = payload } }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Test hook: closes the gateway connection and holds every reconnection attempt until <paramref name="resume"/>
    /// completes, so a test can make changes while this client is cut off.
    /// </summary>
    internal void DisconnectUntil(Task resume)
    {
        Volatile.Write(ref _reconnectGate, resume);
        Volatile.Read(ref _current)?.Close(new IOException("Disconnected by a test."));
    }

    public async Task<ByteString> InvokeAsync(Request request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var started = _time.GetTimestamp();

        // A gateway whose view is older than one this client has seen catches up before it routes the call, or refuses
        // to serve it if it cannot: so reads never go back to an owner the cluster has moved on from.
        request.MembershipVersion = Math.Max(request.MembershipVersion, Volatile.Read(ref _knownMembershipVersion));
        while (true)
        {
            var connection = await WaitForConnectionAsync(_options.ResponseTimeout - _time.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
            var remaining = _options.ResponseTimeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new GrainCallTimeoutException($"{request.GrainType}/{request.GrainKey}.{request.Method} spent its {_options.ResponseTimeout.TotalMilliseconds:0} ms waiting for a gateway.");
            }

            request.TimeoutMs = (uint)Math.Max(1, remaining.TotalMilliseconds);
            try
            {
                var response = await connection.SendRequestAsync(request, remaining, cancellationToken).ConfigureAwait(false);
                return ResponseErrors.ResultOrThrow(response, request);
            }
            catch (ConnectionDrainingException)
            {
                // The gateway said goodbye before this call was sent; send it through the next gateway.
                Detach(connection, null);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        FramedConnection? current;
        Task? loop;
        lock (_lock)
        {
            current = _current;
            _current = null;
            loop = _reconnectLoop;
            _connected.TrySetException(new ObjectDisposedException(nameof(ClusterClient)));

            // Marked observed: usually no call is waiting for a connection (found by the fuzz suite, docs/fuzzing.md).
            _ = _connected.Task.Exception;
        }

        if (current is not null)
        {
            current.Close(null);
            await current.Completion.ConfigureAwait(false);
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        if (_options.GatewayListProvider is IAsyncDisposable provider)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
        }

        _disposing.Dispose();
    }

    void IEnvelopeHandler.OnEnvelope(FramedConnection connection, Envelope envelope)
    {
        var state = (GatewayState)connection.PeerState!;
        if (state.TryAcceptHandshake(envelope))
        {
            return;
        }

        switch (envelope.BodyCase)
        {
            case Envelope.BodyOneofCase.ClusterView:
                LearnGateways(envelope.ClusterView.Gateways);
                ObserveMembershipVersion(envelope.ClusterView.MembershipVersion);
                break;
            case Envelope.BodyOneofCase.Closing:
                LogGatewayClosing(_logger, state.Gateway, envelope.Closing.Reason);
                // Calls already sent there still get their responses; new calls go to another gateway.
                Detach(connection, new ConnectionLostException($"Gateway {state.Gateway} is shutting down."));
                connection.CloseWhenIdle();
                break;
            case Envelope.BodyOneofCase.Push:
                PushReceived?.Invoke(envelope.Push, connection);
                break;
            default:
                throw new ProtocolViolationException($"Unexpected {envelope.BodyCase} from gateway {state.Gateway}.");
        }
    }

    void IEnvelopeHandler.OnClosed(FramedConnection connection, Exception? reason)
    {
        var state = (GatewayState)connection.PeerState!;
        state.Welcome.TrySetException(new ConnectionLostException($"Gateway {state.Gateway} closed the connection during the handshake.", reason ?? new IOException("Connection closed.")));

        // Marked observed: a handshake that already gave up (it timed out) never looks at it (found by the fuzz suite).
        _ = state.Welcome.Task.Exception;
        Detach(connection, reason);
    }

    /// <summary>Stops using <paramref name="connection"/> for new calls and starts looking for another gateway.</summary>
    private void Detach(FramedConnection connection, Exception? reason)
    {
        var state = (GatewayState)connection.PeerState!;
        lock (_lock)
        {
            if (!ReferenceEquals(_current, connection))
            {
                return;
            }

            _current = null;
            _connected = new TaskCompletionSource<FramedConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Volatile.Read(ref _disposed) == 0)
            {
                StartReconnectLoop(avoid: state.Gateway);
            }
        }

        LogDisconnected(_logger, state.Gateway, reason?.Message);
        Disconnected?.Invoke(this, new GatewayDisconnectedEventArgs(state.Gateway, reason));
    }

    private async Task<FramedConnection> WaitForConnectionAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task<FramedConnection> connected;
        lock (_lock)
        {
            if (_current is { IsClosed: false } current)
            {
                return current;
            }

            if (_connected.Task.IsFaulted && _reconnectLoop is { IsCompleted: true } && Volatile.Read(ref _disposed) == 0)
            {
                // The last round was refused for authentication. Each call tries once more (the silos' settings may
                // have been fixed meanwhile) and fails as fast if they refuse again.
                _connected = new TaskCompletionSource<FramedConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            connected = _connected.Task;
            if (_reconnectLoop is null || _reconnectLoop.IsCompleted)
            {
                StartReconnectLoop(avoid: null);
            }
        }

        try
        {
            return await connected.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterAuthenticationException ex)
        {
            // One exception per caller: the round's failure is shared by everyone who waited on it.
            throw new ClusterAuthenticationException(ex.Message, ex);
        }
        catch (TimeoutException)
        {
            var last = Volatile.Read(ref _lastConnectError);
            var candidates = Candidates(null);
            var tried = candidates.Count > 0 ? $"tried {string.Join(", ", candidates)}" : "no gateway known yet";
            var message = $"No gateway of cluster '{_options.ClusterId}' accepted the client within {timeout.TotalMilliseconds:0} ms ({tried})"
                + (last is null ? "." : $"; last error: {last.Message}");
            throw last is null ? new ClusterUnavailableException(message) : new ClusterUnavailableException(message, last);
        }
    }

    /// <summary>Starts the loop that connects to a gateway; the caller holds <see cref="_lock"/>.</summary>
    private void StartReconnectLoop(string? avoid)
    {
        if (_reconnectLoop is { IsCompleted: false })
        {
            return;
        }

        _reconnectLoop = Task.Run(() => ReconnectLoopAsync(avoid, _disposing.Token));
    }

    private async Task ReconnectLoopAsync(string? avoid, CancellationToken cancellationToken)
    {
        var delay = _options.MinReconnectDelay;
        try
        {
            await Volatile.Read(ref _reconnectGate).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RefreshProvidedGatewaysAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Disposed while the provider was asked (e.g. an unreachable Redis): disposal must not fail for it.
                return;
            }

            ClusterAuthenticationException? refused = null;
            foreach (var gateway in Candidates(avoid))
            {
                try
                {
                    var (connection, welcome) = await ConnectToAsync(gateway, cancellationToken).ConfigureAwait(false);
                    bool isReconnect;
                    lock (_lock)
                    {
                        if (Volatile.Read(ref _disposed) != 0)
                        {
                            connection.Close(null);
                            return;
                        }

                        _current = connection;
                        isReconnect = _everConnected;
                        _everConnected = true;
                        _connected.TrySetResult(connection);
                    }

                    LogConnected(_logger, gateway, welcome.SiloAddress);
                    Connected?.Invoke(this, new GatewayConnectedEventArgs(gateway, welcome.SiloAddress, isReconnect));
                    return;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (ClusterAuthenticationException ex)
                {
                    refused = ex;
                    Volatile.Write(ref _lastConnectError, ex);
                    LogAuthenticationFailed(_logger, gateway, ex.Message);
                }
                catch (Exception ex)
                {
                    Volatile.Write(ref _lastConnectError, ex);
                    LogConnectFailed(_logger, gateway, ex.Message);
                }
            }

            if (refused is not null)
            {
                // A refused key or an untrusted certificate is a configuration error: retrying in the background would
                // only hide it behind a timeout. Waiting calls fail with it now; the next call tries again.
                lock (_lock)
                {
                    _connected.TrySetException(refused);

                    // Observed here: a round nobody waited on is replaced by the next call's, and its exception must not
                    // surface as unobserved on the finalizer thread (found by the gateway fuzzer).
                    _ = _connected.Task.Exception;
                }

                return;
            }

            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = delay * 2 < _options.MaxReconnectDelay ? delay * 2 : _options.MaxReconnectDelay;
        }
    }

    private async Task<(FramedConnection Connection, Welcome Welcome)> ConnectToAsync(string gateway, CancellationToken cancellationToken)
    {
        FramedConnection connection;
        Welcome welcome;
        try
        {
            (connection, welcome) = await OutboundConnector.ConnectAsync(
                EndPointParser.Parse(gateway),
                $"gateway {gateway}",
                new GatewayState(gateway),
                new Hello { ClusterId = _options.ClusterId, Role = PeerRole.Client, PeerName = _options.ClientId },
                _security,
                this,
                _options.Connection,
                _options.ConnectTimeout,
                _time,
                _logger,
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ClusterUnavailableException($"Gateway {gateway} did not accept a connection within {_options.ConnectTimeout.TotalMilliseconds:0} ms.");
        }

        if (!string.IsNullOrEmpty(welcome.Rejection))
        {
            connection.Close(null);
            throw new ClusterUnavailableException($"Gateway {gateway} refused the client: {welcome.Rejection}.");
        }

        LearnGateways(welcome.Gateways);
        ObserveMembershipVersion(welcome.MembershipVersion);
        return (connection, welcome);
    }

    /// <summary>
    /// Notes a membership version the cluster has shown: a gateway's view, or the era of a cache version (the table
    /// version under which the activation that made it started), so never more than the table has reached.
    /// </summary>
    internal void ObserveMembershipVersion(long version)
    {
        var known = Volatile.Read(ref _knownMembershipVersion);
        while (version > known)
        {
            var previous = Interlocked.CompareExchange(ref _knownMembershipVersion, version, known);
            if (previous == known)
            {
                return;
            }

            known = previous;
        }
    }

    /// <summary>Gateways to try: those the cluster reported active, then the configured ones; <paramref name="avoid"/> last.</summary>
    private List<string> Candidates(string? avoid)
    {
        List<string> learned;
        lock (_lock)
        {
            learned = [.. _learnedGateways];
        }

        var ordered = learned.Concat(Volatile.Read(ref _providedGateways)).Concat(_options.Gateways).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (avoid is not null && ordered.Remove(avoid))
        {
            ordered.Add(avoid);
        }

        return ordered;
    }

    private async Task RefreshProvidedGatewaysAsync(CancellationToken cancellationToken)
    {
        if (_options.GatewayListProvider is not { } provider)
        {
            return;
        }

        try
        {
            var gateways = await provider.GetGatewaysAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _providedGateways, [.. gateways.Where(g => EndPointParser.TryParse(g, out _))]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Keep what it said last time; the configured and learned gateways are still tried.
            Volatile.Write(ref _lastConnectError, ex);
            LogGatewayListFailed(_logger, ex.Message);
        }
    }

    private void LearnGateways(IEnumerable<string> gateways)
    {
        var valid = gateways.Where(g => EndPointParser.TryParse(g, out _)).ToList();
        lock (_lock)
        {
            _learnedGateways.Clear();
            _learnedGateways.AddRange(valid);
        }
    }

    private static OutboundSecurity CreateSecurity(ClientSecurityOptions security)
    {
        var credential = ClusterCredential.From(security.SharedSecret, security.KeyId);
        var tls = security.Tls;
        if (!tls.Enabled)
        {
            return credential is null ? OutboundSecurity.None : new OutboundSecurity(credential, null);
        }

        IEnumerable<System.Security.Cryptography.X509Certificates.X509Certificate2> trusted = tls.TrustedCertificates;
        if (tls.TrustedCertificatePath is { } path)
        {
            trusted = trusted.Concat(CertificateFiles.LoadTrusted(path));
        }

        return new OutboundSecurity(credential, new TlsClientSettings(tls.TargetHost, trusted, tls.RemoteCertificateValidation));
    }

    private sealed class GatewayState(string gateway) : OutboundPeerState
    {
        public string Gateway { get; } = gateway;
    }
}
