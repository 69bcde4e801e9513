using System.Globalization;

namespace OrleansCache.Runtime;

/// <summary>
/// The position of an activation in its grain's history: the membership version under which it was created, then a
/// counter of the silo that created it. A grain moves to another silo only through a membership change, which raises
/// the version, so a later activation of a grain always has a larger epoch than an earlier one.
/// </summary>
public readonly record struct ActivationEpoch(long MembershipVersion, long Sequence) : IComparable<ActivationEpoch>
{
    /// <inheritdoc />
    public int CompareTo(ActivationEpoch other)
    {
        var byVersion = MembershipVersion.CompareTo(other.MembershipVersion);
        return byVersion != 0 ? byVersion : Sequence.CompareTo(other.Sequence);
    }

    /// <summary>True if <paramref name="left"/> is earlier.</summary>
    public static bool operator <(ActivationEpoch left, ActivationEpoch right) => left.CompareTo(right) < 0;

    /// <summary>True if <paramref name="left"/> is later.</summary>
    public static bool operator >(ActivationEpoch left, ActivationEpoch right) => left.CompareTo(right) > 0;

    /// <summary>True if <paramref name="left"/> is earlier or equal.</summary>
    public static bool operator <=(ActivationEpoch left, ActivationEpoch right) => left.CompareTo(right) <= 0;

    /// <summary>True if <paramref name="left"/> is later or equal.</summary>
    public static bool operator >=(ActivationEpoch left, ActivationEpoch right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{MembershipVersion}.{Sequence}");
}
