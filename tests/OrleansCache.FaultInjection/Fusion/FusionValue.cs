using System.Globalization;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.Fusion;

/// <summary>
/// A workload value as stored in FusionCache: <c>{write id}|{value}</c>, so a read says which write produced what it
/// returned. The id becomes the change part of a <see cref="CacheVersion"/> (era 1: newer than <see cref="CacheVersion.None"/>).
/// </summary>
internal static class FusionValue
{
    public static string Encode(long id, string value) => string.Create(CultureInfo.InvariantCulture, $"{id}|{value}");

    public static (string Value, CacheVersion Version) Decode(string stored)
    {
        var bar = stored.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0)
        {
            throw new FormatException($"'{stored}' is not a value the workload wrote.");
        }

        return (stored[(bar + 1)..], VersionOf(long.Parse(stored.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture)));
    }

    public static CacheVersion VersionOf(long id) => new(1, 0, id);
}
