using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using OrleansCache.FaultInjection.Network;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>The namespaces a run puts its silos in: reachable through the bridge, cut by a partition, gone afterwards.</summary>
public sealed class NamespaceNetworkTests
{
    [Fact]
    public async Task Partition_CutsTheNamespaceOff_HealJoinsItAgain_DisposeRemovesIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var (network, why) = await NamespaceNetwork.TryCreateAsync(slots: 1);
        if (network is null)
        {
            Assert.Skip($"Network namespaces cannot be made here: {why}");
        }

        var port = FreePorts.Take();
        Process? server = null;
        try
        {
            // A redis-server inside the slot's namespace, started as the runner starts a silo there.
            var start = new ProcessStartInfo(network.Launcher(0)[0]) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var part in network.Launcher(0).Skip(1).Concat(["redis-server", "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", network.SiloAddress(0), "--save", "", "--appendonly", "no", "--protected-mode", "no"]))
            {
                start.ArgumentList.Add(part);
            }

            server = Process.Start(start)!;
            server.OutputDataReceived += (_, _) => { };
            server.BeginOutputReadLine();
            await Eventually.TrueAsync(() => PingsAsync(network.SiloAddress(0), port), "the server in the namespace answers through the bridge", cancellationToken: ct);

            await network.PartitionAsync(0);
            Assert.False(await PingsAsync(network.SiloAddress(0), port), "reached a partitioned namespace");

            await network.HealAsync(0);
            await Eventually.TrueAsync(() => PingsAsync(network.SiloAddress(0), port), "the server answers again after healing", cancellationToken: ct);
        }
        finally
        {
            await network.DisposeAsync();
            if (server is not null)
            {
                await server.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(20), ct);
                server.Dispose();
            }
        }

        var (_, left) = await IpCommand.RunAsync("netns", "list");
        Assert.DoesNotContain($"ocfi-{Environment.ProcessId}-", left, StringComparison.Ordinal);
    }

    private static async Task<bool> PingsAsync(string address, int port)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            using var client = new TcpClient();
            await client.ConnectAsync(address, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
