namespace OrleansCache.Runtime.Placement;

/// <summary>
/// A 64-bit hash that is the same in every process and on every machine (unlike <see cref="string.GetHashCode()"/>):
/// FNV-1a over UTF-16 code units, finished with the SplitMix64 mixer for good bit spread.
/// </summary>
internal static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static ulong Of(string first, string second)
    {
        var hash = FnvOffset;
        hash = Append(hash, first);
        hash = (hash ^ 0x2F) * FnvPrime; // a separator, so ("ab","c") and ("a","bc") differ
        hash = Append(hash, second);
        return Mix(hash);
    }

    public static ulong Of(string text) => Mix(Append(FnvOffset, text));

    /// <summary>SplitMix64's finalizer: every input bit affects every output bit.</summary>
    public static ulong Mix(ulong value)
    {
        value ^= value >> 30;
        value *= 0xBF58476D1CE4E5B9UL;
        value ^= value >> 27;
        value *= 0x94D049BB133111EBUL;
        value ^= value >> 31;
        return value;
    }

    private static ulong Append(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * FnvPrime;
            hash = (hash ^ (byte)(c >> 8)) * FnvPrime;
        }

        return hash;
    }
}
