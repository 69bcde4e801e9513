namespace OrleansCache.Grains.Interfaces;

/// <summary>What an invalidation targets.</summary>
[GenerateSerializer, Alias("oc.InvalidationKind")]
public enum InvalidationKind : byte
{
    /// <summary>One key, at a version: holders of an older version drop it.</summary>
    Key = 1,

    /// <summary>Every key matching a glob pattern.</summary>
    Pattern = 2,

    /// <summary>Every key stored with a tag.</summary>
    Tag = 3,

    /// <summary>Every key.</summary>
    All = 4,
}
