using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansCache.FaultInjection.Network;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.FaultInjection.Cluster;

/// <summary>
/// One place in the cluster. The silo advertises <see cref="ProxyAddress"/>, where the runner's proxies listen and
/// forward to the silo's real ports on <see cref="SiloAddress"/>; its Redis connection passes a proxy of this slot too.
/// So every client, silo-to-silo and silo-to-Redis byte of this silo passes the proxies, which can cut, delay or stall
/// them. With namespaces (<see cref="Link"/>) the silo runs in a network namespace of its own, the proxies listen on the
/// runner's end of its veth pair and setting that end down partitions it; without, everything is on loopback
/// (127.A.B.x for the proxies, 127.0.0.1 for the silo) and a partition stalls this slot's proxies. A replacement silo
/// takes the same addresses.
/// </summary>
internal sealed class SiloSlot : IAsyncDisposable
{
    private readonly List<(int Generation, IReadOnlyList<string> Lines)> _pastLogs = [];
    private readonly NamespaceNetwork? _network;

    /// <param name="index">The slot's number.</param>
    /// <param name="proxyAddress">Where its proxies listen (loopback mode; ignored with a link).</param>
    /// <param name="redis">The real Redis endpoint its Redis proxy forwards to.</param>
    /// <param name="network">The namespaces, when the run has them.</param>
    public SiloSlot(int index, IPAddress proxyAddress, IPEndPoint redis, NamespaceNetwork? network)
    {
        Index = index;
        _network = network;
        Link = network?.Links[index];
        ProxyAddress = Link?.RootAddress ?? proxyAddress;
        SiloAddress = Link?.SiloAddress ?? IPAddress.Loopback;
        RedisProxy = FaultProxy.Start(ProxyAddress, 0, redis);
    }

    public int Index { get; }

    /// <summary>The address the silo advertises and the proxies listen on.</summary>
    public IPAddress ProxyAddress { get; }

    /// <summary>The address the silo listens on.</summary>
    public IPAddress SiloAddress { get; }

    /// <summary>The silo's namespace and veth pair; null when the run has no namespaces.</summary>
    public NamespaceLink? Link { get; }

    public SiloProcess? Silo { get; private set; }

    public FaultProxy? GatewayProxy { get; private set; }

    public FaultProxy? SiloProxy { get; private set; }

    /// <summary>Carries this slot's silo's Redis connections (for its whole life: a replacement silo uses it too).</summary>
    public FaultProxy RedisProxy { get; }

    /// <summary>How many silos this slot has run.</summary>
    public int Generation { get; private set; }

    /// <summary>The gateway as clients see it: the proxy.</summary>
    public string Gateway => $"{ProxyAddress}:{GatewayProxy!.EndPoint.Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts a silo here with <paramref name="commonArgs"/>, on fresh ports behind fresh proxies.</summary>
    public async Task StartAsync(IReadOnlyList<string> commonArgs)
    {
        if (Silo is not null)
        {
            await ForgetSiloAsync().ConfigureAwait(false);
        }

        await DisposeProxiesAsync().ConfigureAwait(false);
        var siloPort = FreePort();
        SiloProxy = FaultProxy.Start(ProxyAddress, siloPort, new IPEndPoint(SiloAddress, siloPort));
        var gatewayPort = FreePort();
        GatewayProxy = FaultProxy.Start(ProxyAddress, gatewayPort, new IPEndPoint(SiloAddress, gatewayPort));
        Generation++;
        string[] args =
        [
            .. commonArgs,
            "--redis", $"{ProxyAddress}:{RedisProxy.EndPoint.Port.ToString(CultureInfo.InvariantCulture)}",
            "--name", $"slot{Index.ToString(CultureInfo.InvariantCulture)}-gen{Generation.ToString(CultureInfo.InvariantCulture)}",
            "--listen", SiloAddress.ToString(),
            "--advertised-host", ProxyAddress.ToString(),
            "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture),
        ];
        Silo = await SiloProcess.StartAsync(Link?.Launcher ?? [], new Dictionary<string, string>(), args).ConfigureAwait(false);
    }

    /// <summary>
    /// Cuts the silo off from everyone (clients, peers, Redis) until <see cref="HealAsync"/>: its veth link down, or,
    /// without namespaces, all traffic through this slot's proxies held.
    /// </summary>
    public async Task PartitionAsync()
    {
        if (_network is not null && Link is not null)
        {
            await _network.PartitionAsync(Link).ConfigureAwait(false);
            return;
        }

        foreach (var proxy in Proxies())
        {
            proxy.Stall();
        }
    }

    /// <summary>Undoes <see cref="PartitionAsync"/>.</summary>
    public async Task HealAsync()
    {
        if (_network is not null && Link is not null)
        {
            await _network.HealAsync(Link).ConfigureAwait(false);
            return;
        }

        foreach (var proxy in Proxies())
        {
            proxy.Release();
        }
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
        await RedisProxy.DisposeAsync().ConfigureAwait(false);
    }

    private IEnumerable<FaultProxy> Proxies() => new[] { GatewayProxy, SiloProxy, RedisProxy }.OfType<FaultProxy>();

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

    /// <summary>
    /// A port free on the proxy address and, on loopback, on 127.0.0.1 (for the silo); a silo's namespace has nothing
    /// else listening in it.
    /// </summary>
    private int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var probe = new TcpListener(ProxyAddress, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            if (Link is not null)
            {
                return port;
            }

            try
            {
                using var silo = new TcpListener(SiloAddress, port);
                silo.Start();
                silo.Stop();
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // Taken on the silo's address: pick another.
            }
        }
    }
}
