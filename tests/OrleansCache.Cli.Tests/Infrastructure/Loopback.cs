using System.Net;
using System.Net.Sockets;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>Loopback endpoints where no cluster is: only this machine is ever a target.</summary>
internal static class Loopback
{
    /// <summary>
    /// A loopback port held by a socket that is bound but not listening: connecting to it is refused at once, and no
    /// other test (a silo, a redis-server) can take the port while it is held.
    /// </summary>
    public static Socket Refusing()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>
    /// A listener that takes connections into its backlog and never says a word: a client's connection opens, and its
    /// handshake waits for ever (a hung gateway).
    /// </summary>
    public static TcpListener Silent()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    /// <summary>A port free now (for a server the test starts; it may be taken by the time the server binds it).</summary>
    public static int FreePort()
    {
        using var socket = Refusing();
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static string EndPointOf(Socket socket) => $"127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";

    public static string EndPointOf(TcpListener listener) => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
}
