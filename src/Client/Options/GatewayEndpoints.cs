using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OrleansCache.Client;

/// <summary>Parses <c>host:port</c> gateway strings into endpoints Orleans' static clustering takes.</summary>
internal static class GatewayEndpoints
{
    public static bool TryParse(string? text, out (string Host, int Port) endpoint)
    {
        endpoint = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon].Trim('[', ']');
        endpoint = (host, port);
        return host.Length > 0;
    }

    /// <summary>Resolves each gateway (IP literals directly, host names through DNS, IPv4 first).</summary>
    public static IPEndPoint[] Resolve(IEnumerable<string> gateways)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var gateway in gateways)
        {
            if (!TryParse(gateway, out var parsed))
            {
                throw new ArgumentException($"Gateway '{gateway}' is not host:port.", nameof(gateways));
            }

            var address = IPAddress.TryParse(parsed.Host, out var literal)
                ? literal
                : Dns.GetHostAddresses(parsed.Host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
            endpoints.Add(new IPEndPoint(address, parsed.Port));
        }

        return [.. endpoints];
    }
}
