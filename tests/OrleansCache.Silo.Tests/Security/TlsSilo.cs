using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansCache.Silo.Hosting;
using OrleansCache.TestSupport.Logging;
using OrleansCache.TestSupport.Network;

namespace OrleansCache.Silo.Tests.Security;

/// <summary>The executable's silo, built in this process from its command line, every log event captured at Trace.</summary>
internal sealed class TlsSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TlsSilo(IHost host, CapturedLogs logs, string clusterId, int gatewayPort)
    {
        _host = host;
        Logs = logs;
        ClusterId = clusterId;
        Gateway = $"127.0.0.1:{gatewayPort.ToString(CultureInfo.InvariantCulture)}";
    }

    public CapturedLogs Logs { get; }

    public string ClusterId { get; }

    public string Gateway { get; }

    public static async Task<TlsSilo> StartAsync(CapturedLogs logs, params string[] args)
    {
        var clusterId = $"tls-{Guid.NewGuid():N}";
        var gatewayPort = FreePorts.Take();
        string[] all = [.. args, "--cluster-id", clusterId, "--silo-port", FreePorts.Take().ToString(CultureInfo.InvariantCulture), "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture)];
        var host = SiloHost.Build(all, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<CapturedLogs>(null, LogLevel.Trace);
        });
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(timeout.Token);
            return new TlsSilo(host, logs, clusterId, gatewayPort);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposing anyway.
        }

        _host.Dispose();
    }
}
