using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace OrleansCache.DeliveryCandidates;

/// <summary>
/// Two silos on loopback TCP plus a set of separate client hosts (each its own <see cref="IHost"/> with
/// <c>UseOrleansClient</c> and static clustering to both gateways), all in this process. The last client is the writer;
/// the others are the subscribers.
/// </summary>
internal sealed class OrleansCluster : IAsyncDisposable
{
    public const string StreamProvider = "mem";

    private readonly List<IHost> _silos = [];
    private readonly List<IHost> _clientHosts = [];

    private OrleansCluster(string name) => Name = name;

    public string Name { get; }

    public IReadOnlyList<IClusterClient> Subscribers { get; private set; } = [];

    public IClusterClient Writer { get; private set; } = null!;

    /// <summary>
    /// Starts the silos and <paramref name="subscribers"/> + 1 clients. With <paramref name="streams"/> the silos and
    /// clients also get a memory stream provider whose pulling agents run with those settings.
    /// </summary>
    public static async Task<OrleansCluster> StartAsync(string name, int subscribers, StreamSettings? streams)
    {
        var cluster = new OrleansCluster(name);
        try
        {
            await cluster.StartCoreAsync(subscribers, streams);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(int subscribers, StreamSettings? streams)
    {
        var clusterId = "delivery-" + Name;
        const string ServiceId = "delivery-bench";
        var ports = FreePorts(4);
        var primary = new IPEndPoint(IPAddress.Loopback, ports[0]);
        var gateways = new[] { new IPEndPoint(IPAddress.Loopback, ports[1]), new IPEndPoint(IPAddress.Loopback, ports[3]) };

        for (var i = 0; i < 2; i++)
        {
            var siloPort = ports[i * 2];
            var gatewayPort = ports[(i * 2) + 1];
            var host = new HostBuilder()
                .UseOrleans(silo =>
                {
                    // The first silo is the development membership's primary; the second joins it.
                    silo.UseLocalhostClustering(siloPort, gatewayPort, i == 0 ? null : primary, ServiceId, clusterId);
                    if (streams is not null)
                    {
                        silo.AddMemoryGrainStorage("PubSubStore");
                        silo.AddMemoryStreams(StreamProvider, configurator => configurator.ConfigurePullingAgent(options => options.Configure(o =>
                        {
                            o.GetQueueMsgsTimerPeriod = streams.PollPeriod;
                            o.BatchContainerBatchSize = streams.DeliveryBatchSize;
                        })));
                    }
                })
                .ConfigureLogging(logging => QuietLogging(logging, LogLevel.Warning))
                .Build();
            _silos.Add(host);
            await host.StartAsync();
        }

        // Clients start concurrently; each connects to both gateways.
        var clientHosts = Enumerable.Range(0, subscribers + 1).Select(_ =>
        {
            return new HostBuilder()
                .UseOrleansClient(client =>
                {
                    client.UseStaticClustering(gateways);
                    client.Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = clusterId;
                        o.ServiceId = ServiceId;
                    });
                    if (streams is not null)
                    {
                        client.AddMemoryStreams(StreamProvider);
                    }
                })
                .ConfigureLogging(logging => QuietLogging(logging, LogLevel.Error))
                .Build();
        }).ToList();
        _clientHosts.AddRange(clientHosts);
        await Task.WhenAll(clientHosts.Select(h => h.StartAsync()));

        var clients = clientHosts.Select(h => h.Services.GetRequiredService<IClusterClient>()).ToList();
        Writer = clients[^1];
        Subscribers = clients.Take(subscribers).ToList();
    }

    /// <summary>
    /// Process CPU time over an idle window, as a percentage of one core. Silos, clients and the driver share the
    /// process, so this is everything Orleans does in the background here (with no events flowing).
    /// </summary>
    public static async Task<double> IdleCpuPercentAsync(TimeSpan window)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(window); // the measurement window itself, not a synchronization
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        return 100.0 * cpu.TotalSeconds / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Stops every client, so a following idle window measures the silos alone.</summary>
    public async Task StopClientsAsync()
    {
        await Task.WhenAll(_clientHosts.Select(h => h.StopAsync()));
        foreach (var host in _clientHosts)
        {
            host.Dispose();
        }

        _clientHosts.Clear();
        Subscribers = [];
    }

    public async ValueTask DisposeAsync()
    {
        await StopClientsAsync();
        // Stop the joining silo before the primary, so it does not wait on a vanished membership.
        for (var i = _silos.Count - 1; i >= 0; i--)
        {
            await _silos[i].StopAsync();
            _silos[i].Dispose();
        }

        _silos.Clear();
    }

    private static void QuietLogging(ILoggingBuilder logging, LogLevel level)
    {
        // Orleans' own warnings go to stderr; stdout stays the report.
        logging.SetMinimumLevel(level);
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>Ports the OS hands out as free now; held together so that they differ from each other.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return l;
        }).ToList();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    public static int FreePort() => FreePorts(1)[0];
}

/// <summary>
/// Pulling-agent settings for memory streams: how often each agent polls its queue, and how many queued events it may
/// hand a subscriber in one delivery call (Orleans' default is 1: one acknowledged call per event per subscriber).
/// </summary>
internal sealed record StreamSettings(TimeSpan PollPeriod, int DeliveryBatchSize)
{
    public override string ToString() => FormattableString.Invariant(
        $"memory streams, poll {PollPeriod.TotalMilliseconds:0} ms{(DeliveryBatchSize > 1 ? $", delivery batch ≤ {DeliveryBatchSize}" : "")}");
}
