using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansCache.FaultInjection.Network;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>
/// The silos' namespaces (ADR 0040): a link per silo that carries traffic both ways, a partition that stops exactly
/// that silo's traffic and heals, and nothing left behind, by this run or by a killed one. Where namespaces cannot be
/// made (not root, no iproute2), creation must say why and leave nothing.
/// </summary>
public sealed class NamespaceNetworkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Partition_StopsOnlyThatSilosTraffic_HealRestoresIt_AndDisposeRemovesEverything()
    {
        var (network, detail) = await NamespaceNetwork.TryCreateAsync(2).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        if (network is null)
        {
            // This machine cannot make namespaces: the runner falls back to its proxies, and must leave nothing.
            Assert.False(string.IsNullOrWhiteSpace(detail));
            Assert.DoesNotContain(NamespaceNetwork.NamePrefix, await OurNamespacesAsync(), StringComparison.Ordinal);
            return;
        }

        NamespaceLink[] links;
        await using (network)
        {
            links = [.. network.Links];
            Assert.Equal(2, links.Length);
            using var first = Listen(links[0].RootAddress);
            using var second = Listen(links[1].RootAddress);

            // Each silo's namespace reaches the runner's addresses (its own end and another silo's end: the proxies).
            Assert.True(await ConnectsFromAsync(links[0], first), detail);
            Assert.True(await ConnectsFromAsync(links[0], second));
            Assert.True(await ConnectsFromAsync(links[1], first));

            await network.PartitionAsync(links[0]);
            Assert.False(await ConnectsFromAsync(links[0], first));
            Assert.False(await ConnectsFromAsync(links[0], second));
            Assert.True(await ConnectsFromAsync(links[1], second));
            Assert.True(await ConnectsFromAsync(links[1], first));

            await network.HealAsync(links[0]);
            Assert.True(await ConnectsFromAsync(links[0], first));
            Assert.True(await ConnectsFromAsync(links[0], second));
        }

        var namespaces = await OurNamespacesAsync();
        foreach (var link in links)
        {
            Assert.DoesNotContain(link.Namespace, namespaces, StringComparison.Ordinal);
            Assert.False((await IpCommand.RunAsync("link", "show", link.RootInterface)).Ok, $"{link.RootInterface} is still there");
        }

        Assert.DoesNotContain(network.Block, (await IpCommand.RunAsync("route", "show", "type", "unreachable")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveStale_RemovesWhatAKilledRunLeft_IncludingItsProcesses_AndKeepsALiveRunsNamespaces()
    {
        var (live, _) = await NamespaceNetwork.TryCreateAsync(1).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        if (live is null)
        {
            Assert.Equal(0, await NamespaceNetwork.RemoveStaleAsync());
            return;
        }

        await using (live)
        {
            // A run that was killed: its process is gone, its namespace, veth pair and block route stayed, and a
            // "silo" still runs in the namespace.
            var deadPid = await DeadProcessIdAsync();
            var block = 255 - int.Parse(live.Block.Split('.')[2], CultureInfo.InvariantCulture) % 200;
            var name = string.Create(CultureInfo.InvariantCulture, $"{NamespaceNetwork.NamePrefix}{deadPid}-{block}-0");
            var created = await IpCommand.BatchAsync(
            [
                $"netns add {name}",
                $"link add ocf{block}r0 type veth peer name ocf{block}n0 netns {name}",
                $"route add unreachable 10.251.{block}.0/24",
            ]);
            Assert.True(created.Ok, created.Error);
            using var leftover = Process.Start("ip", ["netns", "exec", name, "sleep", "600"]);
            await UntilAsync(async () => (await IpCommand.RunAsync("netns", "pids", name)).Output.Contains(leftover.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

            Assert.True(await NamespaceNetwork.RemoveStaleAsync() >= 1);

            await leftover.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
            var namespaces = await OurNamespacesAsync();
            Assert.DoesNotContain(name, namespaces, StringComparison.Ordinal);
            Assert.Contains(live.Links[0].Namespace, namespaces, StringComparison.Ordinal);
            Assert.False((await IpCommand.RunAsync("link", "show", $"ocf{block}r0")).Ok);
            var routes = (await IpCommand.RunAsync("route", "show", "type", "unreachable")).Output;
            Assert.DoesNotContain($"10.251.{block}.0/24", routes, StringComparison.Ordinal);
            Assert.Contains(live.Block, routes, StringComparison.Ordinal);
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Yield();
        }
    }

    private static async Task<string> OurNamespacesAsync() => (await IpCommand.RunAsync("netns", "list")).Output;

    /// <summary>A process id that was just in use and is not any more (so no process of that id runs).</summary>
    private static async Task<int> DeadProcessIdAsync()
    {
        using var process = Process.Start("true");
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return process.Id;
    }

    private static TcpListener Listen(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        return listener;
    }

    /// <summary>Whether a TCP connection from inside <paramref name="link"/>'s namespace to <paramref name="listener"/> opens within 2 s.</summary>
    private static async Task<bool> ConnectsFromAsync(NamespaceLink link, TcpListener listener)
    {
        var target = (IPEndPoint)listener.LocalEndpoint;
        using var connect = Process.Start("ip", ["netns", "exec", link.Namespace, "timeout", "2", "bash", "-c", $"exec 3<>/dev/tcp/{target.Address}/{target.Port.ToString(CultureInfo.InvariantCulture)}"]);
        await connect.WaitForExitAsync().WaitAsync(Timeout);
        if (connect.ExitCode == 0)
        {
            // Take the connection off the backlog so listeners stay clean between checks.
            (await listener.AcceptSocketAsync()).Dispose();
        }

        return connect.ExitCode == 0;
    }
}
