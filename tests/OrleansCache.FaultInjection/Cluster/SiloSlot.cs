using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansCache.FaultInjection.Network;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.FaultInjection.Cluster;

/// <summary>
/// One place in the cluster: a loopback address of its own (127.0.0.N) that the silo advertises, where the runner's
/// proxies listen and forward to the silo's real ports on 127.0.0.1. Every client and silo-to-silo byte to this silo
/// passes the proxies, so the runner can cut, delay or stall them. A replacement silo takes the same address.
/// </summary>
internal sealed class SiloSlot(int index, IPAddress address) : IAsyncDisposable
{
    private readonly List<(int Generation, IReadOnlyList<string> Lines)> _pastLogs = [];

    public int Index { get; } = index;

    /// <summary>The address the silo advertises and the proxies listen on.</summary>
    public IPAddress Address { get; } = address;

    public SiloProcess? Silo { get; private set; }

    public FaultProxy? GatewayProxy { get; private set; }

    public FaultProxy? SiloProxy { get; private set; }

    /// <summary>How many silos this slot has run.</summary>
    public int Generation { get; private set; }

    /// <summary>The gateway as clients see it: the proxy.</summary>
    public string Gateway => $"{Address}:{GatewayProxy!.EndPoint.Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts a silo here with <paramref name="commonArgs"/>, on fresh ports behind fresh proxies.</summary>
    public async Task StartAsync(IReadOnlyList<string> commonArgs)
    {
        if (Silo is not null)
        {
            await ForgetSiloAsync().ConfigureAwait(false);
        }

        await DisposeProxiesAsync().ConfigureAwait(false);
        var siloPort = FreePortOnBoth();
        SiloProxy = FaultProxy.Start(Address, siloPort, new IPEndPoint(IPAddress.Loopback, siloPort));
        var gatewayPort = FreePortOnBoth();
        GatewayProxy = FaultProxy.Start(Address, gatewayPort, new IPEndPoint(IPAddress.Loopback, gatewayPort));
        Generation++;
        string[] args =
        [
            .. commonArgs,
            "--name", $"slot{Index.ToString(CultureInfo.InvariantCulture)}-gen{Generation.ToString(CultureInfo.InvariantCulture)}",
            "--listen", "127.0.0.1",
            "--advertised-host", Address.ToString(),
            "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture),
        ];
        Silo = await SiloProcess.StartAsync(args).ConfigureAwait(false);
    }

    /// <summary>SIGKILL.</summary>
    public async Task KillAsync()
    {
        await Silo!.KillAsync().ConfigureAwait(false);
        await ForgetSiloAsync().ConfigureAwait(false);
    }

    /// <summary>SIGTERM, waiting at most <paramref name="timeout"/> for the graceful stop to finish; returns the silo's last log lines.</summary>
    /// <exception cref="TimeoutException">It did not stop in time.</exception>
    public async Task<IReadOnlyList<string>> StopGracefullyAsync(TimeSpan timeout)
    {
        await Silo!.TerminateAsync(timeout).ConfigureAwait(false);
        var log = Silo.LastLines(12);
        await ForgetSiloAsync().ConfigureAwait(false);
        return log;
    }

    /// <summary>The log of every silo this slot ran, by generation.</summary>
    public IReadOnlyList<(int Generation, IReadOnlyList<string> Lines)> Logs() =>
        Silo is { } silo ? [.. _pastLogs, (Generation, silo.Output)] : _pastLogs;

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null)
        {
            await ForgetSiloAsync().ConfigureAwait(false);
        }

        await DisposeProxiesAsync().ConfigureAwait(false);
    }

    /// <summary>Disposes the current silo process (killing it if it still runs), keeping its log.</summary>
    private async Task ForgetSiloAsync()
    {
        var silo = Silo!;
        _pastLogs.Add((Generation, silo.Output));
        Silo = null;
        await silo.DisposeAsync().ConfigureAwait(false);
    }

    private async Task DisposeProxiesAsync()
    {
        if (GatewayProxy is { } gateway)
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
        }

        if (SiloProxy is { } silo)
        {
            await silo.DisposeAsync().ConfigureAwait(false);
        }

        GatewayProxy = null;
        SiloProxy = null;
    }

    /// <summary>A port free on 127.0.0.1 (for the silo) and on this slot's address (for its proxy).</summary>
    private int FreePortOnBoth()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            try
            {
                using var mine = new TcpListener(Address, port);
                mine.Start();
                mine.Stop();
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // Taken on our address: pick another.
            }
        }
    }
}
