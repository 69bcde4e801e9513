using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.NearCaching;

/// <summary>One locally held value. Immutable but for its access time, trust epoch and typed-value cache.</summary>
internal sealed class NearCacheEntry(string key, int partition, byte[] bytes, CacheVersion version, long expiresAtTimestamp, IReadOnlyList<string> tags, long trustEpoch)
{
    private long _lastAccess;
    private long _trustEpoch = trustEpoch;

    public string Key { get; } = key;

    /// <summary>The key's partition, whose trust epoch this entry's is compared with.</summary>
    public int Partition { get; } = partition;

    public byte[] Bytes { get; } = bytes;

    public CacheVersion Version { get; } = version;

    public long ExpiresAtTimestamp { get; } = expiresAtTimestamp;

    public IReadOnlyList<string> Tags { get; } = tags;

    /// <summary>The last deserialized value and its type, so repeated hits of one type deserialize once.</summary>
    public TypedValue? Typed { get; set; }

    /// <summary>The near-cache's trust epoch in which this entry was last known current.</summary>
    public long TrustEpoch
    {
        get => Volatile.Read(ref _trustEpoch);
        set => Volatile.Write(ref _trustEpoch, value);
    }

    public long LastAccess
    {
        get => Volatile.Read(ref _lastAccess);
        set => Volatile.Write(ref _lastAccess, value);
    }
}

/// <summary>A deserialized value with its type.</summary>
internal sealed record TypedValue(Type Type, object? Value);
