using System.Globalization;

namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// The version of a cache entry. Every change to a key gets a version greater than every earlier version of that key,
/// across deactivation, silo death and failover (G2).
/// </summary>
/// <remarks>
/// <see cref="Era"/> and <see cref="Activation"/> are the activation epoch that the key's storage issued to the
/// activation that made the change when it claimed the key: storage issues each key strictly increasing epochs, so a
/// later activation's versions are all greater (docs/adr/0042). <see cref="Change"/> counts changes within the
/// activation.
/// </remarks>
[GenerateSerializer, Immutable, Alias("oc.CacheVersion")]
[System.Text.Json.Serialization.JsonConverter(typeof(CacheVersionJsonConverter))]
public readonly record struct CacheVersion(
    [property: Id(0)] long Era,
    [property: Id(1)] long Activation,
    [property: Id(2)] long Change) : IComparable<CacheVersion>
{
    /// <summary>Smaller than every real version.</summary>
    public static readonly CacheVersion None = new(0, 0, 0);

    /// <summary>Greater than every real version.</summary>
    public static readonly CacheVersion Max = new(long.MaxValue, long.MaxValue, long.MaxValue);

    /// <inheritdoc />
    public int CompareTo(CacheVersion other)
    {
        var c = Era.CompareTo(other.Era);
        if (c != 0)
        {
            return c;
        }

        c = Activation.CompareTo(other.Activation);
        return c != 0 ? c : Change.CompareTo(other.Change);
    }

    /// <summary>True if <paramref name="left"/> is older.</summary>
    public static bool operator <(CacheVersion left, CacheVersion right) => left.CompareTo(right) < 0;

    /// <summary>True if <paramref name="left"/> is newer.</summary>
    public static bool operator >(CacheVersion left, CacheVersion right) => left.CompareTo(right) > 0;

    /// <summary>True if <paramref name="left"/> is older or equal.</summary>
    public static bool operator <=(CacheVersion left, CacheVersion right) => left.CompareTo(right) <= 0;

    /// <summary>True if <paramref name="left"/> is newer or equal.</summary>
    public static bool operator >=(CacheVersion left, CacheVersion right) => left.CompareTo(right) >= 0;

    /// <summary>The larger of two versions.</summary>
    public static CacheVersion Later(CacheVersion a, CacheVersion b) => a >= b ? a : b;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Era}.{Activation}.{Change}");
}
