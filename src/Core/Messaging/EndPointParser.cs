using System.Globalization;
using System.Net;

namespace OrleansCache.Core.Messaging;

/// <summary>Parses <c>host:port</c> strings used in configuration and on the wire.</summary>
public static class EndPointParser
{
    /// <summary>Parses <c>host:port</c>, <c>1.2.3.4:port</c> or <c>[::1]:port</c>.</summary>
    /// <exception cref="FormatException">The text is not host:port with a port from 1 to 65535.</exception>
    public static EndPoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var endPoint))
        {
            throw new FormatException($"'{text}' is not an endpoint; expected host:port, e.g. localhost:30000.");
        }

        return endPoint;
    }

    /// <summary>Tries to parse <c>host:port</c>.</summary>
    public static bool TryParse(string? text, out EndPoint endPoint)
    {
        endPoint = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (IPEndPoint.TryParse(text, out var ip) && ip.Port > 0)
        {
            endPoint = ip;
            return true;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var host = text[..colon];
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        if (host.Contains(':', StringComparison.Ordinal) || host.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        endPoint = new DnsEndPoint(host, port);
        return true;
    }

    /// <summary>Formats an endpoint as <c>host:port</c>.</summary>
    public static string Format(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.ToString(),
        DnsEndPoint dns => $"{dns.Host}:{dns.Port.ToString(CultureInfo.InvariantCulture)}",
        _ => endPoint.ToString() ?? string.Empty,
    };
}
