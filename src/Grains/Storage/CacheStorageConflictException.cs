using OrleansCache.Core;

namespace OrleansCache.Grains.Storage;

/// <summary>
/// A read, write or delete was refused: a newer activation of the same key had read or changed it first (compare-and-set
/// on the ETag, fenced by activation epoch). The refused activation is stale and deactivates; retry the operation and
/// it reaches the current one.
/// </summary>
public sealed class CacheStorageConflictException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public CacheStorageConflictException() { }

    /// <summary>Creates the exception with a message.</summary>
    public CacheStorageConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CacheStorageConflictException(string message, Exception innerException) : base(message, innerException) { }
}
