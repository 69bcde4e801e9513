using System.Net;

namespace OrleansCache.FaultInjection.Network;

/// <summary>One silo's network namespace and the veth pair joining it to the runner's namespace (a /30 of its own).</summary>
/// <param name="Namespace">The namespace's name (<c>ocfi-PID-BLOCK-INDEX</c>).</param>
/// <param name="RootInterface">The veth end in the runner's namespace; setting it down partitions the silo.</param>
/// <param name="SiloInterface">The veth end inside the namespace.</param>
/// <param name="RootAddress">The runner's end: where the proxies for this silo listen (and what the silo advertises).</param>
/// <param name="SiloAddress">The silo's end: where the silo listens.</param>
internal sealed record NamespaceLink(string Namespace, string RootInterface, string SiloInterface, IPAddress RootAddress, IPAddress SiloAddress)
{
    /// <summary>The command that runs a program inside the namespace (it execs the program, so the process is the program).</summary>
    public IReadOnlyList<string> Launcher => ["ip", "netns", "exec", Namespace];
}
