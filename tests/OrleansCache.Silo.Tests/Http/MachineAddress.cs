using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace OrleansCache.Silo.Tests.Http;

/// <summary>An address of this machine other than loopback: calls from it count as "from another machine".</summary>
internal static class MachineAddress
{
    /// <summary>The first IPv4 address of an interface that is up and not loopback, or null.</summary>
    public static IPAddress? NonLoopbackIPv4() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
}
