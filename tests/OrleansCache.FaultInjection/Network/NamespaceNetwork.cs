using System.Diagnostics;
using System.Globalization;

namespace OrleansCache.FaultInjection.Network;

/// <summary>
/// A network namespace per silo slot, joined by veth pairs to a bridge of the run's own in the runner's namespace
/// (ADR 0071). Silo <c>i</c> has the address <c>10.251.B.(10+i)</c>; the bridge has <c>10.251.B.1</c>, where the
/// runner's redis-server also listens and through which the in-process clients reach the silos. A partition sets the
/// slot's veth end on the bridge down: the silo reaches nobody and nobody reaches it.
/// </summary>
/// <remarks>
/// The bridge's name is the lock on the block <c>B</c> (creating it fails if another run holds it), and its alias names
/// the owning process, so a later run removes what a killed run left behind. Nothing outside the run's own interfaces
/// and namespaces is touched: no forwarding, no NAT, no routes beyond the bridge's own /24.
/// </remarks>
internal sealed class NamespaceNetwork : IAsyncDisposable
{
    private const string Prefix = "ocfi";
    private readonly int _block;
    private readonly int _slots;

    private NamespaceNetwork(int block, int slots)
    {
        _block = block;
        _slots = slots;
    }

    /// <summary>The runner's address on the bridge: the clients', which reach the silos from it.</summary>
    public string HostAddress => Address(1);

    /// <summary>
    /// A second address of the runner's on the bridge, where only Redis listens, so a silo can be cut off from Redis
    /// alone (<see cref="CutFromRedisAsync"/>) while its clients still reach it.
    /// </summary>
    public string RedisAddress => Address(2);

    private string Bridge => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{_block}br");

    /// <summary>
    /// Makes the namespaces, or returns null with the reason they cannot be made here (not Linux, not root, no
    /// <c>ip</c>, or a step refused; anything made is removed again).
    /// </summary>
    public static async Task<(NamespaceNetwork? Network, string Reason)> TryCreateAsync(int slots)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, "not Linux");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return (null, "not root (network namespaces need CAP_NET_ADMIN)");
        }

        try
        {
            var (code, output) = await IpCommand.RunAsync("netns", "list").ConfigureAwait(false);
            if (code != 0)
            {
                return (null, "`ip netns` is not available: " + output.Trim());
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "iproute2's `ip` is not installed");
        }

        await RemoveAbandonedAsync().ConfigureAwait(false);
        var first = 1 + (Environment.ProcessId % 200);
        string last = "no free block";
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var network = new NamespaceNetwork(first + attempt, slots);
            try
            {
                await network.CreateAsync().ConfigureAwait(false);
                return (network, "");
            }
            catch (InvalidOperationException ex)
            {
                last = ex.Message;
                await network.DisposeAsync().ConfigureAwait(false);
            }
        }

        return (null, "namespaces could not be made: " + last);
    }

    /// <summary>The silo of <paramref name="slot"/>'s address in its namespace.</summary>
    public string SiloAddress(int slot) => Address(10 + slot);

    /// <summary>What runs a command inside <paramref name="slot"/>'s namespace (it execs the command in its place).</summary>
    public IReadOnlyList<string> Launcher(int slot) => ["ip", "netns", "exec", Namespace(slot)];

    /// <summary>Cuts <paramref name="slot"/>'s silo off from everyone (its link on the bridge down).</summary>
    public Task PartitionAsync(int slot) => IpCommand.RunCheckedAsync("link", "set", HostEnd(slot), "down");

    /// <summary>Joins <paramref name="slot"/>'s silo again.</summary>
    public Task HealAsync(int slot) => IpCommand.RunCheckedAsync("link", "set", HostEnd(slot), "up");

    /// <summary>
    /// Cuts <paramref name="slot"/>'s silo off from the other silos only, both ways: blackhole routes to their addresses
    /// in its namespace, and to its address in theirs. Redis and the clients (at the host address) still reach it, and
    /// it them. Routes are core routing: no traffic-control modules needed.
    /// </summary>
    public Task IsolateFromSilosAsync(int slot) => ForEachPairAsync(slot, "add");

    /// <summary>Removes what <see cref="IsolateFromSilosAsync"/> added.</summary>
    public Task RejoinSilosAsync(int slot) => ForEachPairAsync(slot, "del");

    /// <summary>Cuts <paramref name="slot"/>'s silo off from Redis only (a blackhole route to <see cref="RedisAddress"/> in its namespace).</summary>
    public Task CutFromRedisAsync(int slot) => IpCommand.RunCheckedAsync("netns", "exec", Namespace(slot), "ip", "route", "add", "blackhole", RedisAddress + "/32");

    /// <summary>Removes what <see cref="CutFromRedisAsync"/> added.</summary>
    public Task RestoreRedisAsync(int slot) => IpCommand.RunCheckedAsync("netns", "exec", Namespace(slot), "ip", "route", "del", "blackhole", RedisAddress + "/32");

    private async Task ForEachPairAsync(int slot, string action)
    {
        for (var other = 0; other < _slots; other++)
        {
            if (other != slot)
            {
                await IpCommand.RunCheckedAsync("netns", "exec", Namespace(slot), "ip", "route", action, "blackhole", SiloAddress(other) + "/32").ConfigureAwait(false);
                await IpCommand.RunCheckedAsync("netns", "exec", Namespace(other), "ip", "route", action, "blackhole", SiloAddress(slot) + "/32").ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var slot = 0; slot < _slots; slot++)
        {
            await RemoveNamespaceAsync(Namespace(slot)).ConfigureAwait(false);
        }

        await IpCommand.RunAsync("link", "del", Bridge).ConfigureAwait(false);
    }

    private async Task CreateAsync()
    {
        // Fails if another run holds this block: the bridge is the lock.
        await IpCommand.RunCheckedAsync("link", "add", Bridge, "type", "bridge").ConfigureAwait(false);
        await IpCommand.RunCheckedAsync("link", "set", Bridge, "alias", Owner(Environment.ProcessId)).ConfigureAwait(false);
        await IpCommand.RunCheckedAsync("addr", "add", HostAddress + "/24", "dev", Bridge).ConfigureAwait(false);
        await IpCommand.RunCheckedAsync("addr", "add", RedisAddress + "/24", "dev", Bridge).ConfigureAwait(false);
        await IpCommand.RunCheckedAsync("link", "set", Bridge, "up").ConfigureAwait(false);
        for (var slot = 0; slot < _slots; slot++)
        {
            var ns = Namespace(slot);
            var inside = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{_block}n{slot}");
            await IpCommand.RunCheckedAsync("netns", "add", ns).ConfigureAwait(false);
            await IpCommand.RunCheckedAsync("link", "add", HostEnd(slot), "type", "veth", "peer", "name", inside, "netns", ns).ConfigureAwait(false);
            await IpCommand.RunCheckedAsync("link", "set", HostEnd(slot), "master", Bridge, "up").ConfigureAwait(false);
            await IpCommand.RunCheckedAsync("-n", ns, "addr", "add", SiloAddress(slot) + "/24", "dev", inside).ConfigureAwait(false);
            await IpCommand.RunCheckedAsync("-n", ns, "link", "set", inside, "up").ConfigureAwait(false);
            await IpCommand.RunCheckedAsync("-n", ns, "link", "set", "lo", "up").ConfigureAwait(false);
        }
    }

    /// <summary>Removes the namespaces and bridges of runs whose process is gone (killed before it could clean up).</summary>
    private static async Task RemoveAbandonedAsync()
    {
        var (_, namespaces) = await IpCommand.RunAsync("netns", "list").ConfigureAwait(false);
        foreach (var name in namespaces.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0]))
        {
            var parts = name.Split('-');
            if (parts.Length == 4 && parts[0] == Prefix && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var owner) && !IsRunning(owner))
            {
                await RemoveNamespaceAsync(name).ConfigureAwait(false);
            }
        }

        var (_, bridges) = await IpCommand.RunAsync("-o", "link", "show", "type", "bridge").ConfigureAwait(false);
        foreach (var line in bridges.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var alias = Array.IndexOf(fields, "alias");
            if (fields.Length > 1 && fields[1].StartsWith(Prefix, StringComparison.Ordinal) && alias > 0 && alias + 1 < fields.Length
                && fields[alias + 1].StartsWith(Owner(0)[..^1], StringComparison.Ordinal)
                && int.TryParse(fields[alias + 1].AsSpan(Owner(0).Length - 1), CultureInfo.InvariantCulture, out var owner) && !IsRunning(owner))
            {
                await IpCommand.RunAsync("link", "del", fields[1].TrimEnd(':')).ConfigureAwait(false);
            }
        }
    }

    private static async Task RemoveNamespaceAsync(string ns)
    {
        // A silo still running in it would keep it alive: kill what is left (only processes of the run's own namespace).
        var (code, pids) = await IpCommand.RunAsync("netns", "pids", ns).ConfigureAwait(false);
        if (code != 0)
        {
            return;
        }

        foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var process = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                process.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        await IpCommand.RunAsync("netns", "del", ns).ConfigureAwait(false);
    }

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");

    private static string Owner(int pid) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}-owner-{pid}");

    private string Namespace(int slot) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{Environment.ProcessId}-{_block}-{slot}");

    private string HostEnd(int slot) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{_block}h{slot}");

    private string Address(int host) => string.Create(CultureInfo.InvariantCulture, $"10.251.{_block}.{host}");
}
