using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Hosting;

namespace OrleansCache.Runtime.Http;

/// <summary>
/// The silo's HTTP port, when <see cref="SiloHttpOptions.Enabled"/>: its own Kestrel server, apart from the silo and
/// gateway ports, started before the silo joins (so <c>/readyz</c> can say "not yet") and stopped after it left.
/// </summary>
internal sealed partial class SiloHttpServer : IAsyncDisposable
{
    private readonly SiloHttpOptions _options;
    private readonly SiloOptions _silo;
    private readonly SiloHttpApplication _application;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private KestrelServer? _server;

    public SiloHttpServer(
        IOptions<SiloHttpOptions> options,
        IOptions<SiloOptions> silo,
        SiloHealth health,
        SiloMetricsCollector metrics,
        ClusterOverviewSource overview,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        _options = options.Value;
        _silo = silo.Value;
        _loggerFactory = loggerFactory;
        _services = services;
        _logger = loggerFactory.CreateLogger<SiloHttpServer>();
        _application = new SiloHttpApplication(health, metrics, overview, _options.Dashboard, _logger);
    }

    /// <summary>The bound endpoint once listening (the real port when the configured one is 0); null when off or not yet.</summary>
    public IPEndPoint? EndPoint => _bound.Task.IsCompletedSuccessfully ? _bound.Task.Result : null;

    /// <summary>Completes with the bound endpoint as soon as the port listens (tests wait on it while the silo joins).</summary>
    public Task<IPEndPoint> Bound => _bound.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var address = IPAddress.Parse(_options.ListenAddress ?? _silo.ListenAddress);
        var kestrel = new KestrelServerOptions { ApplicationServices = _services, AddServerHeader = false };
        kestrel.Limits.MaxConcurrentConnections = _options.MaxConnections;
        kestrel.Limits.MaxRequestBodySize = 0;
        ListenOptions? listen = null;
        kestrel.Listen(address, _options.Port, l =>
        {
            l.Protocols = HttpProtocols.Http1;
            listen = l;
        });

        _server = KestrelServers.Create(kestrel, _loggerFactory);
        await _server.StartAsync(_application, cancellationToken).ConfigureAwait(false);
        var bound = listen?.EndPoint as IPEndPoint ?? throw new InvalidOperationException("Kestrel did not report the bound HTTP port.");
        LogListening(_logger, bound, _options.Dashboard);
        _bound.TrySetResult(bound);
    }

    /// <summary>Stops listening; open requests get the token's time to finish.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Stops listening and drops every connection at once (crash).</summary>
    public Task AbortAsync() => KestrelServers.AbortAsync(_server);

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 3901, Level = LogLevel.Information, Message = "HTTP endpoints (/healthz, /readyz, /metrics) listen on http://{EndPoint}/; dashboard: {Dashboard}")]
    private static partial void LogListening(ILogger logger, IPEndPoint endPoint, bool dashboard);
}
