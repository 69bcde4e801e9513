using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Protocol;
using OrleansCache.Runtime.Activation;
using OrleansCache.Runtime.Http;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Messaging;
using OrleansCache.Runtime.Placement;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Runtime.Hosting;

/// <summary>
/// A silo's lifecycle: bind, join, serve; on a graceful stop leave the cluster cleanly; on a kill, vanish
/// (the testing host's way to simulate a crash).
/// </summary>
internal sealed partial class Silo : IHostedService, IAsyncDisposable
{
    private readonly SiloOptions _options;
    private readonly SiloMessagingOptions _messaging;
    private readonly LocalSiloDetails _local;
    private readonly SiloListener _listener;
    private readonly MembershipService _membership;
    private readonly Catalog _catalog;
    private readonly SiloConnectionPool _pool;
    private readonly GatewayClients _clients;
    private readonly InFlightCounter _inFlight;
    private readonly SiloMessenger _messenger;
    private readonly SiloHealth _health;
    private readonly SiloHttpServer _http;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILogger _logger;
    private readonly InboundConnectionHandler _siloHandler;
    private readonly InboundConnectionHandler _gatewayHandler;
    private readonly Lock _stateLock = new();
    private Task? _stopping;
    private bool _started;
    private bool _killed;
    private int _disposed;

    public Silo(
        IServiceProvider services,
        IOptions<SiloOptions> options,
        IOptions<SiloMessagingOptions> messaging,
        LocalSiloDetails local,
        SiloListener listener,
        MembershipService membership,
        Catalog catalog,
        SiloConnectionPool pool,
        GatewayClients clients,
        InFlightCounter inFlight,
        SiloMessenger messenger,
        SiloHealth health,
        SiloHttpServer http,
        ILogger<Silo> logger)
    {
        _options = options.Value;
        _messaging = messaging.Value;
        _local = local;
        _listener = listener;
        _membership = membership;
        _catalog = catalog;
        _pool = pool;
        _clients = clients;
        _inFlight = inFlight;
        _messenger = messenger;
        _health = health;
        _http = http;
        _lifetime = services.GetService<IHostApplicationLifetime>();
        _logger = logger;
        _siloHandler = ActivatorUtilities.CreateInstance<InboundConnectionHandler>(services, PeerRole.Silo);
        _gatewayHandler = ActivatorUtilities.CreateInstance<InboundConnectionHandler>(services, PeerRole.Client);
    }

    public SiloAddress Address => _local.Address;

    public string GatewayEndPoint => _local.GatewayEndPoint ?? throw new InvalidOperationException("The silo has not started.");

    public MembershipView View => _membership.CurrentView;

    public Catalog Catalog => _catalog;

    public MembershipService Membership => _membership;

    /// <summary>The HTTP endpoints' bound address, or null when they are off.</summary>
    public System.Net.IPEndPoint? HttpEndPoint => _http.EndPoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // First, so /healthz and /readyz answer ("not ready") while the silo binds and joins.
        await _http.StartAsync(cancellationToken).ConfigureAwait(false);
        var (siloPort, gatewayPort) = await _listener.StartAsync(_siloHandler, _gatewayHandler, cancellationToken).ConfigureAwait(false);
        _local.Bind(AdvertisedHost(), siloPort, gatewayPort);
        _membership.ViewChanging += OnViewChanging;
        _membership.ViewChanged += OnViewChanged;
        _membership.DeclaredDead += OnDeclaredDead;
        // A silo with a missing or wrong secret, or an untrusted certificate, must not join: the others could not call
        // it, nor it them. The connections made here are kept for later calls.
        await _pool.EnsureAdmittedAsync(await _membership.ReadActiveSilosAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

        await _membership.JoinAsync(cancellationToken).ConfigureAwait(false);
        _catalog.StartCollector();
        _messenger.Start();
        _started = true;
        _health.MarkServing();
        LogStarted(_logger, _local.Address, _options.ClusterId, _options.ListenAddress, siloPort, gatewayPort);
    }

    /// <summary>Graceful stop: leave the table, hand grains over, finish in-flight calls, then close.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            if (!_started || _killed)
            {
                return Task.CompletedTask;
            }

            return _stopping ??= StopGracefullyAsync(cancellationToken);
        }
    }

    /// <summary>Simulates a crash: stop at once, tell no one, run no hooks.</summary>
    public async Task KillAsync()
    {
        lock (_stateLock)
        {
            if (_killed || !_started)
            {
                return;
            }

            _killed = true;
        }

        LogKilled(_logger, _local.Address);
        _health.MarkStopping();

        // Like a crash, all at once: first nothing is served any more, then the pieces are torn down.
        _gatewayHandler.Kill();
        _siloHandler.Kill();
        _catalog.StopCreatingActivations();
        _catalog.Abort();
        _pool.CloseAll();
        await _listener.AbortAsync().ConfigureAwait(false);
        await _membership.StopAsync().ConfigureAwait(false);
        await _messenger.DisposeAsync().ConfigureAwait(false);
        await _http.AbortAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as a hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _membership.ViewChanging -= OnViewChanging;
        _membership.ViewChanged -= OnViewChanged;
        _membership.DeclaredDead -= OnDeclaredDead;
        await _listener.DisposeAsync().ConfigureAwait(false);
    }

    private async Task StopGracefullyAsync(CancellationToken cancellationToken)
    {
        LogStopping(_logger, _local.Address);
        _health.MarkStopping();
        var timeout = _messaging.ShutdownTimeout;

        // 1. Leave the owner set: from here on no silo places grains here, this one included.
        await TryAsync(() => _membership.SetStatusAsync(SiloStatus.ShuttingDown, cancellationToken)).ConfigureAwait(false);

        // 2. Peers (clients and silos) send nothing new to us; each closes its connection when its calls are answered.
        //    Calls that reach us meanwhile are still served: forwarded to the grains' new owners.
        _gatewayHandler.BeginClosing("silo shutting down");
        _siloHandler.BeginClosing("silo shutting down");

        // 3. Hand the grains over: queued calls are routed to the new owners, running calls finish here.
        _catalog.StopCreatingActivations();
        await _catalog.DeactivateAllAsync(DeactivationReason.SiloShuttingDown, timeout).ConfigureAwait(false);

        // 4. Wait for peers to hang up and for our last calls to finish.
        await _gatewayHandler.WaitForPeersToCloseAsync(timeout).ConfigureAwait(false);
        await _siloHandler.WaitForPeersToCloseAsync(timeout).ConfigureAwait(false);
        await TryAsync(() => _inFlight.WhenZero().WaitAsync(timeout, cancellationToken)).ConfigureAwait(false);

        await TryAsync(() => _membership.SetStatusAsync(SiloStatus.Dead, cancellationToken)).ConfigureAwait(false);
        await _membership.StopAsync().ConfigureAwait(false);
        await _messenger.DisposeAsync().ConfigureAwait(false);

        _gatewayHandler.AbortAll();
        _siloHandler.AbortAll();
        _pool.CloseAll();
        await _listener.StopAsync(cancellationToken).ConfigureAwait(false);
        await _http.StopAsync(cancellationToken).ConfigureAwait(false);
        LogStopped(_logger, _local.Address);
    }

    private async Task TryAsync(Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A graceful stop goes on as far as it can; what it skips, failure detection covers.
            LogStopStepFailed(_logger, ex);
        }
    }

    private void OnViewChanging(MembershipView current, MembershipView next)
    {
        // Before the next view routes any call: an activation whose grain moved away, or may have had another owner in
        // a version this silo never saw, holds state that another activation may have changed since (docs/adr/0038).
        var self = _local.Address;
        var reason = next.Find(self)?.Status == SiloStatus.Active ? DeactivationReason.OwnershipChanged : DeactivationReason.SiloShuttingDown;
        var fence = new OwnershipFence(current, next, self);
        _catalog.DeactivateNotOwned(grain => !fence.MayHaveMovedAway(grain), reason);
    }

    private void OnViewChanged(MembershipView view)
    {
        foreach (var dead in view.Dead)
        {
            _pool.CloseTo(dead);
        }

        var update = new Core.Protocol.ClusterView { MembershipVersion = view.Version };
        update.Gateways.AddRange(view.Gateways);
        _clients.Broadcast(new Envelope { ClusterView = update });
    }

    private void OnDeclaredDead()
    {
        // Fail-stop: the cluster has moved this silo's grains; serving on would create duplicates.
        _health.MarkDead();
        _lifetime?.StopApplication();
    }

    private string AdvertisedHost()
    {
        if (!string.IsNullOrWhiteSpace(_options.AdvertisedHost))
        {
            return _options.AdvertisedHost;
        }

        var listen = IPAddress.Parse(_options.ListenAddress);
        if (!listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any))
        {
            return listen.ToString();
        }

        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
        return (address ?? IPAddress.Loopback).ToString();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Silo {Silo} of cluster {ClusterId} is listening on {ListenAddress}: silo port {SiloPort}, gateway port {GatewayPort}")]
    private static partial void LogStarted(ILogger logger, SiloAddress silo, string clusterId, string listenAddress, int siloPort, int gatewayPort);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Silo {Silo} is stopping gracefully")]
    private static partial void LogStopping(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Silo {Silo} stopped")]
    private static partial void LogStopped(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Silo {Silo} was killed")]
    private static partial void LogKilled(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "A step of the graceful stop failed; continuing")]
    private static partial void LogStopStepFailed(ILogger logger, Exception exception);
}
