using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Messaging;
using OrleansCache.Runtime.Security;

namespace OrleansCache.Runtime.Hosting;

/// <summary>
/// Kestrel with raw TCP connection handlers on the silo and gateway ports. Kestrel is created here rather than through
/// the web host so a silo runs under any generic host, and several silos can share one process (the testing host).
/// With a certificate configured, both ports speak TLS only.
/// </summary>
internal sealed class SiloListener : IAsyncDisposable
{
    private readonly SiloOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IServiceProvider _services;
    private readonly TlsConnectionMiddleware? _tls;
    private KestrelServer? _server;

    public SiloListener(
        IOptions<SiloOptions> options,
        IOptions<SiloMessagingOptions> messaging,
        SiloSecurity security,
        RuntimeMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _services = services;
        if (security.ServerCertificate is { } certificate)
        {
            _tls = new TlsConnectionMiddleware(certificate, messaging.Value.Connection.HandshakeTimeout, metrics, time, loggerFactory.CreateLogger<TlsConnectionMiddleware>());
        }
    }

    /// <summary>Starts listening; returns the bound ports (which differ from the configured ones when those are 0).</summary>
    public async Task<(int SiloPort, int GatewayPort)> StartAsync(InboundConnectionHandler silos, InboundConnectionHandler clients, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(_options.ListenAddress);
        var kestrel = new KestrelServerOptions { ApplicationServices = _services, AddServerHeader = false };
        ListenOptions? siloListen = null;
        ListenOptions? gatewayListen = null;
        kestrel.Listen(address, _options.SiloPort, listen =>
        {
            siloListen = listen;
            UseTls(listen);
            listen.Run(silos.OnConnectedAsync);
        });
        kestrel.Listen(address, _options.GatewayPort, listen =>
        {
            gatewayListen = listen;
            UseTls(listen);
            listen.Run(clients.OnConnectedAsync);
        });

        _server = KestrelServers.Create(kestrel, _loggerFactory);
        await _server.StartAsync(new NoHttpApplication(), cancellationToken).ConfigureAwait(false);
        return (BoundPort(siloListen), BoundPort(gatewayListen));
    }

    /// <summary>Stops listening and lets Kestrel close connections within the token's time.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Stops listening and aborts every connection at once (crash).</summary>
    public Task AbortAsync() => KestrelServers.AbortAsync(_server);

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    private void UseTls(ListenOptions listen)
    {
        if (_tls is { } tls)
        {
            listen.Use(next => context => tls.OnConnectionAsync(context, next));
        }
    }

    private static int BoundPort(ListenOptions? listen) =>
        (listen?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("Kestrel did not report a bound port.");

    /// <summary>The listeners carry only raw TCP, so Kestrel's HTTP application is never called.</summary>
    private sealed class NoHttpApplication : IHttpApplication<object>
    {
        public object CreateContext(IFeatureCollection contextFeatures) => throw new NotSupportedException("Silo ports do not speak HTTP.");

        public Task ProcessRequestAsync(object context) => Task.CompletedTask;

        public void DisposeContext(object context, Exception? exception)
        {
        }
    }
}
