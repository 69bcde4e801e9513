using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client;

/// <summary>An invalidation the client applied.</summary>
public sealed class CacheInvalidatedEventArgs(CacheInvalidationKind kind, string? target, int dropped, CacheVersion? version = null) : EventArgs
{
    /// <summary>For a key: its version after the change. Copies older than this are gone.</summary>
    public CacheVersion? Version { get; } = version;

    /// <summary>What it covered.</summary>
    public CacheInvalidationKind Kind { get; } = kind;

    /// <summary>The key, pattern or tag; null for all and resync.</summary>
    public string? Target { get; } = target;

    /// <summary>How many near-cache entries it dropped.</summary>
    public int Dropped { get; } = dropped;
}
