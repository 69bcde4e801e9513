using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using OrleansCache.Silo.Options;

namespace OrleansCache.Silo.Hosting;

/// <summary>The addresses <see cref="SiloHostOptions"/> describe, resolved.</summary>
internal static class SiloEndpoints
{
    public static IPAddress ListenAddress(SiloHostOptions options) => IPAddress.Parse(options.ListenAddress);

    /// <summary>
    /// What other silos and clients are told to connect to: <see cref="SiloHostOptions.AdvertisedHost"/>, or the listen
    /// address, or, when listening on every interface, the machine's first non-loopback IPv4 address.
    /// </summary>
    public static IPAddress AdvertisedAddress(SiloHostOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.AdvertisedHost))
        {
            return Resolve(options.AdvertisedHost);
        }

        var listen = ListenAddress(options);
        if (!listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any))
        {
            return listen;
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;
    }

    /// <summary>The primary silo's endpoint (development clustering): the configured one, or this silo's own.</summary>
    public static IPEndPoint PrimarySilo(SiloHostOptions options) =>
        string.IsNullOrWhiteSpace(options.PrimarySilo)
            ? new IPEndPoint(AdvertisedAddress(options), options.SiloPort)
            : ParseEndPoint(options.PrimarySilo) ?? throw new FormatException($"'{options.PrimarySilo}' is not host:port.");

    /// <summary>Parses <c>host:port</c> (IPv6 in brackets), resolving a host name; null if it is not of that form.</summary>
    public static IPEndPoint? ParseEndPoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        var host = text[..colon].Trim('[', ']');
        return host.Length == 0 ? null : new IPEndPoint(Resolve(host), port);
    }

    /// <summary>An IP literal as is, a host name through DNS (IPv4 first).</summary>
    /// <exception cref="SocketException">The name does not resolve.</exception>
    public static IPAddress Resolve(string host) =>
        IPAddress.TryParse(host, out var literal)
            ? literal
            : Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
}
