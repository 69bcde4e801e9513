using System.Net;
using System.Net.Sockets;

namespace OrleansCache.TestSupport.Network;

/// <summary>
/// Loopback ports that are free now and not handed out before by this process, so tests running in parallel never get
/// the same one. Another process may still take one between the check and its use; the operating system hands out
/// ephemeral ports in a cycle, which makes that rare.
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    /// <summary>A port nobody listens on now, never returned before by this process.</summary>
    public static int Take()
    {
        lock (Gate)
        {
            while (true)
            {
                using var probe = new TcpListener(IPAddress.Loopback, 0);
                probe.Start();
                var port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>True if something listens on <paramref name="port"/> of the loopback address.</summary>
    public static bool InUse(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
