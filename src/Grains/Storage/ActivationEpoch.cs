using System.Globalization;

namespace OrleansCache.Grains.Storage;

/// <summary>
/// What storage issues an activation of a key when it claims the key: strictly greater than every epoch issued for
/// that key before. It orders the key's activations (their versions start from it, G2) and fences them: storage
/// refuses every change from an activation whose epoch is older than the key's latest claim (G1).
/// </summary>
/// <param name="Era">Changes when the issuer itself restarts (a new store activation, a recreated Redis counter).</param>
/// <param name="Sequence">Counts claims within an era.</param>
[GenerateSerializer, Immutable, Alias("oc.ActivationEpoch")]
public readonly record struct ActivationEpoch([property: Id(0)] long Era, [property: Id(1)] long Sequence) : IComparable<ActivationEpoch>
{
    /// <summary>Older than every issued epoch.</summary>
    public static readonly ActivationEpoch None = new(0, 0);

    /// <inheritdoc />
    public int CompareTo(ActivationEpoch other)
    {
        var c = Era.CompareTo(other.Era);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }

    /// <summary>True if <paramref name="left"/> is older.</summary>
    public static bool operator <(ActivationEpoch left, ActivationEpoch right) => left.CompareTo(right) < 0;

    /// <summary>True if <paramref name="left"/> is newer.</summary>
    public static bool operator >(ActivationEpoch left, ActivationEpoch right) => left.CompareTo(right) > 0;

    /// <summary>True if <paramref name="left"/> is older or equal.</summary>
    public static bool operator <=(ActivationEpoch left, ActivationEpoch right) => left.CompareTo(right) <= 0;

    /// <summary>True if <paramref name="left"/> is newer or equal.</summary>
    public static bool operator >=(ActivationEpoch left, ActivationEpoch right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Era}.{Sequence}");
}
