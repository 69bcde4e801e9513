namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// Keys hash to a fixed number of partitions. Each partition has one invalidation feed (and, with in-memory storage,
/// one store), and the silo that hosts them also hosts the partition's cache-entry grains, so a change travels from
/// the key's grain to its feed without leaving the silo (docs/adr/0043).
/// </summary>
/// <remarks>
/// The hash is FNV-1a over the key's UTF-16 code units: stable across processes, platforms and releases, unlike
/// <see cref="string.GetHashCode()"/>. Clients and silos must agree on it and on <see cref="Count"/>, so both are part
/// of the wire contract.
/// </remarks>
public static class CachePartitions
{
    /// <summary>How many partitions there are.</summary>
    public const int Count = 16;

    /// <summary>The partition of <paramref name="key"/>, from 0 to <see cref="Count"/> - 1.</summary>
    public static int Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (int)(Hash(key) % Count);
    }

    /// <summary>The 32-bit FNV-1a hash of <paramref name="key"/>'s UTF-16 code units.</summary>
    public static uint Hash(ReadOnlySpan<char> key)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ (c & 0xFFu)) * 16777619u;
            hash = (hash ^ (uint)(c >> 8)) * 16777619u;
        }

        return hash;
    }
}
