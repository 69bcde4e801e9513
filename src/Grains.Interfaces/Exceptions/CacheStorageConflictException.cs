namespace OrleansCache;

/// <summary>
/// A read, write or delete of a cache entry was refused: a newer activation of the same key had claimed or changed it
/// first (compare-and-set on the ETag, fenced by activation epoch). The refused activation is stale and deactivates;
/// the operation did not happen, and sending it again reaches the current activation.
/// </summary>
[GenerateSerializer, Alias("oc.CacheStorageConflictException")]
public sealed class CacheStorageConflictException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public CacheStorageConflictException() { }

    /// <summary>Creates the exception with a message.</summary>
    public CacheStorageConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CacheStorageConflictException(string message, Exception innerException) : base(message, innerException) { }
}
