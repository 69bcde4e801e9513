using System.Globalization;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>
/// Silos as separate <c>src/Silo</c> processes with their embedded defaults (in-memory storage; the first is the primary
/// the others join), so a client's figures in this process do not include the silos' work. Stopped by process id.
/// </summary>
internal sealed class ProcessCluster : IBenchCluster
{
    private readonly List<SiloProcess> _processes = [];
    private readonly List<BenchSilo> _silos = [];

    private ProcessCluster(string clusterId)
    {
        ClusterId = clusterId;
    }

    public string ClusterId { get; }

    public string ServiceId => "orleans-cache-bench";

    public IReadOnlyList<BenchSilo> Silos => _silos;

    public IReadOnlyList<int> ProcessIds => [.. _processes.Select(p => p.Id)];

    public static async Task<ProcessCluster> StartAsync(int silos)
    {
        var cluster = new ProcessCluster($"bench-{Guid.NewGuid():N}");
        try
        {
            var primaryPort = 0;
            for (var i = 0; i < silos; i++)
            {
                var siloPort = FreePorts.Take();
                List<string> args = ["--cluster-id", cluster.ClusterId, "--service-id", cluster.ServiceId, "--name", $"bench-silo-{i}", "--silo-port", Text(siloPort), "--gateway-port", Text(FreePorts.Take())];
                if (i > 0)
                {
                    args.AddRange(["--primary", $"127.0.0.1:{Text(primaryPort)}"]);
                }
                else
                {
                    primaryPort = siloPort;
                }

                var process = await SiloProcess.StartAsync([.. args]);
                cluster._processes.Add(process);
                cluster._silos.Add(new BenchSilo(siloPort, process.Gateway));
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            try
            {
                await process.TerminateAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                // Killed by its id below.
            }

            await process.DisposeAsync();
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
