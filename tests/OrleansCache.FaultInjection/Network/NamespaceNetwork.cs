using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace OrleansCache.FaultInjection.Network;

/// <summary>
/// A network namespace per silo (ADR 0040), each joined to the runner's namespace by a veth pair with a /30 of a
/// 10.251.BLOCK.0/24 block that this run claims. The runner's end of each pair carries the proxies for that silo;
/// setting it down is a real partition: the silo reaches neither Redis nor its peers, nobody reaches it.
/// </summary>
/// <remarks>
/// Everything it creates is named <c>ocfi-PID-BLOCK-*</c> / <c>ocfBLOCKr*</c>, and removed on dispose, on process exit,
/// and (for runs that were killed) by the next run's start-up, which removes namespaces whose runner is gone. The block
/// is claimed by an <c>unreachable</c> route for the whole /24 in the runner's namespace: it fails for a block another
/// run holds, and while a link is down it keeps packets for that silo from leaving by the default route.
/// Namespaces need no IP forwarding: silos only ever talk to addresses of the runner's namespace (the proxies).
/// </remarks>
internal sealed partial class NamespaceNetwork : IAsyncDisposable
{
    public const string NamePrefix = "ocfi-";

    private static readonly TimeSpan ReachableTimeout = TimeSpan.FromSeconds(15);
    private static readonly ConcurrentDictionary<NamespaceNetwork, byte> Live = new();

    private readonly int _block;
    private int _disposed;

    static NamespaceNetwork() =>
        // A backstop for an exit that skipped dispose (an unhandled exception, SIGTERM): never leave namespaces behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var network in Live.Keys)
            {
                IpCommand.ForceBatchBlocking(network.TeardownCommands());
            }
        };

    private NamespaceNetwork(int block, int silos)
    {
        _block = block;
        Links = [.. Enumerable.Range(0, silos).Select(i => new NamespaceLink(
            string.Create(CultureInfo.InvariantCulture, $"{NamePrefix}{Environment.ProcessId}-{block}-{i}"),
            string.Create(CultureInfo.InvariantCulture, $"ocf{block}r{i}"),
            string.Create(CultureInfo.InvariantCulture, $"ocf{block}n{i}"),
            new IPAddress([10, 251, (byte)block, (byte)(4 * i + 1)]),
            new IPAddress([10, 251, (byte)block, (byte)(4 * i + 2)])))];
    }

    /// <summary>One link per silo slot.</summary>
    public IReadOnlyList<NamespaceLink> Links { get; }

    /// <summary>The /24 this run claimed.</summary>
    public string Block => string.Create(CultureInfo.InvariantCulture, $"10.251.{_block}.0/24");

    /// <summary>
    /// Makes a namespace and veth pair per silo, after removing what killed runs left behind; or says why it cannot
    /// (not Linux, not root, no <c>ip</c>, namespaces or veth refused), leaving nothing behind.
    /// </summary>
    public static async Task<(NamespaceNetwork? Network, string Detail)> TryCreateAsync(int silos)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, "not Linux");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return (null, "not root");
        }

        if (silos is < 1 or > 63)
        {
            return (null, "namespaces support 1 to 63 silos");
        }

        var removed = await RemoveStaleAsync().ConfigureAwait(false);
        var cleaned = removed > 0 ? string.Create(CultureInfo.InvariantCulture, $"; removed {removed} stale namespaces of killed runs") : "";
        foreach (var block in Enumerable.Range(0, 256).OrderBy(_ => Random.Shared.Next()).Take(32))
        {
            var network = new NamespaceNetwork(block, silos);
            var claim = await IpCommand.RunAsync("route", "add", "unreachable", network.Block).ConfigureAwait(false);
            if (claim.Error.Contains("File exists", StringComparison.Ordinal))
            {
                continue;
            }

            if (!claim.Ok)
            {
                return (null, $"cannot add a route: {claim.Error}{cleaned}");
            }

            Live[network] = 0;
            var failure = await network.SetUpAsync().ConfigureAwait(false);
            if (failure is not null)
            {
                await network.DisposeAsync().ConfigureAwait(false);
                return (null, failure + cleaned);
            }

            return (network, $"{network.Block}, namespaces {string.Join(", ", network.Links.Select(l => l.Namespace))}{cleaned}");
        }

        return (null, "no free 10.251.x.0/24 block (32 tried)");
    }

    /// <summary>
    /// Removes the namespaces (killing anything left in them), veth pairs and block routes of runs whose process is
    /// gone; returns how many namespaces.
    /// </summary>
    public static async Task<int> RemoveStaleAsync()
    {
        var listed = await IpCommand.RunAsync("netns", "list").ConfigureAwait(false);
        var namespaces = listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => OurNamespace().Match(line.Split(' ')[0]))
            .Where(m => m.Success)
            .ToList();
        var stale = namespaces.Where(m => !Directory.Exists($"/proc/{m.Groups[1].Value}")).ToList();
        foreach (var match in stale)
        {
            await KillProcessesInAsync(match.Value).ConfigureAwait(false);
        }

        // Only the routes of those runs: a route without namespaces may belong to a run that is creating them right now.
        var commands = stale.SelectMany(m => new[]
        {
            $"netns del {m.Value}",
            $"link del ocf{m.Groups[2].Value}r{m.Groups[3].Value}",
            $"route del unreachable 10.251.{m.Groups[2].Value}.0/24",
        }).Distinct(StringComparer.Ordinal).ToList();
        if (commands.Count > 0)
        {
            await IpCommand.BatchAsync(commands, force: true).ConfigureAwait(false);
        }

        return stale.Count;
    }

    /// <summary>Sets the runner's end of the link down: nothing passes between the silo and anyone until <see cref="HealAsync"/>.</summary>
    public async Task PartitionAsync(NamespaceLink link)
    {
        var down = await IpCommand.RunAsync("link", "set", link.RootInterface, "down").ConfigureAwait(false);
        if (!down.Ok)
        {
            throw new InvalidOperationException($"ip link set {link.RootInterface} down failed: {down.Error}");
        }
    }

    /// <summary>Sets the link up again, forgets the neighbours that failed meanwhile, and waits until it carries traffic.</summary>
    public async Task HealAsync(NamespaceLink link)
    {
        var up = await IpCommand.BatchAsync([$"link set {link.RootInterface} up", $"neigh flush dev {link.RootInterface}"]).ConfigureAwait(false);
        var inside = await IpCommand.RunAsync("-n", link.Namespace, "neigh", "flush", "dev", link.SiloInterface).ConfigureAwait(false);
        if (!up.Ok || !inside.Ok)
        {
            throw new InvalidOperationException($"healing {link.RootInterface} failed: {up.Error} {inside.Error}");
        }

        if (!await ReachableAsync(link.SiloAddress).ConfigureAwait(false))
        {
            throw new TimeoutException($"{link.SiloAddress} was not reachable within {ReachableTimeout.TotalSeconds:0} s after {link.RootInterface} was set up again.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var link in Links)
        {
            await KillProcessesInAsync(link.Namespace).ConfigureAwait(false);
        }

        await IpCommand.BatchAsync(TeardownCommands(), force: true).ConfigureAwait(false);
        Live.TryRemove(this, out _);
    }

    /// <summary>Creates every namespace and pair; returns why it failed, or null.</summary>
    private async Task<string?> SetUpAsync()
    {
        var root = await IpCommand.BatchAsync(Links.SelectMany(l => new[]
        {
            $"netns add {l.Namespace}",
            $"link add {l.RootInterface} type veth peer name {l.SiloInterface} netns {l.Namespace}",
            $"addr add {l.RootAddress}/30 dev {l.RootInterface}",
            $"link set {l.RootInterface} up",
        }).Append($"route replace unreachable {Block}")).ConfigureAwait(false);
        if (!root.Ok)
        {
            return $"cannot create namespaces or veth pairs: {root.Error}";
        }

        foreach (var link in Links)
        {
            // Inside: its own address, loopback, and a route to this run's block only (no default route: a silo can
            // reach nothing but the runner's addresses).
            var inside = await IpCommand.BatchAsync(
            [
                $"addr add {link.SiloAddress}/30 dev {link.SiloInterface}",
                $"link set {link.SiloInterface} up",
                "link set lo up",
                $"route add {Block} via {link.RootAddress}",
            ], inNamespace: link.Namespace).ConfigureAwait(false);
            if (!inside.Ok)
            {
                return $"cannot configure {link.Namespace}: {inside.Error}";
            }
        }

        foreach (var link in Links)
        {
            if (!await ReachableAsync(link.SiloAddress).ConfigureAwait(false))
            {
                return $"{link.SiloAddress} in {link.Namespace} was not reachable within {ReachableTimeout.TotalSeconds:0} s";
            }
        }

        return null;
    }

    private IEnumerable<string> TeardownCommands() =>
        Links.SelectMany(l => new[] { $"netns del {l.Namespace}", $"link del {l.RootInterface}" }).Append($"route del unreachable {Block}");

    /// <summary>SIGKILLs whatever still runs in <paramref name="name"/> (silos of a killed run; ours are stopped before).</summary>
    private static async Task KillProcessesInAsync(string name)
    {
        var pids = await IpCommand.RunAsync("netns", "pids", name).ConfigureAwait(false);
        foreach (var pid in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or TimeoutException)
            {
                // Gone already.
            }
        }
    }

    /// <summary>
    /// Whether a TCP connection to port 1 of <paramref name="address"/> is answered (accepted or refused: either way the
    /// packets crossed the link), polled until it is or <see cref="ReachableTimeout"/> passes.
    /// </summary>
    private static async Task<bool> ReachableAsync(IPAddress address)
    {
        var deadline = DateTime.UtcNow + ReachableTimeout;
        while (DateTime.UtcNow < deadline)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, 1), attempt.Token).ConfigureAwait(false);
                return true;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                // Not yet (no carrier, neighbour unresolved): the bounded connect attempt was the wait.
            }
            catch (SocketException)
            {
                // Not yet, and said at once (no route yet): polling the condition with a deadline.
                await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
            }
        }

        return false;
    }

    [GeneratedRegex(@"^ocfi-(\d+)-(\d+)-(\d+)$", RegexOptions.None, 1000)]
    private static partial Regex OurNamespace();
}
