namespace OrleansCache.Client;

/// <summary>What an invalidation covered.</summary>
public enum CacheInvalidationKind
{
    /// <summary>One key.</summary>
    Key = 1,

    /// <summary>Every key matching a pattern.</summary>
    Pattern = 2,

    /// <summary>Every key with a tag.</summary>
    Tag = 3,

    /// <summary>Every key.</summary>
    All = 4,

    /// <summary>The client may have missed invalidations and revalidated what it held.</summary>
    Resync = 5,
}
