using System.Globalization;

namespace OrleansCache.Core.Membership;

/// <summary>
/// A silo incarnation: the host and silo-to-silo port it listens on, and its generation. A restarted silo on the
/// same endpoint has a larger generation, so the cluster never confuses it with its dead predecessor.
/// </summary>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    /// <summary><c>host:port</c> of the silo-to-silo endpoint.</summary>
    public string EndPoint => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Formats as <c>host:port@generation</c>.</summary>
    public override string ToString() => $"{EndPoint}@{Generation.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses <c>host:port@generation</c>.</summary>
    /// <exception cref="FormatException">The text is not in that form.</exception>
    public static SiloAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.LastIndexOf('@');
        var colon = at > 0 ? text.LastIndexOf(':', at - 1) : -1;
        if (colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1, at - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !long.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            throw new FormatException($"'{text}' is not a silo address; expected host:port@generation.");
        }

        return new SiloAddress(text[..colon], port, generation);
    }
}
