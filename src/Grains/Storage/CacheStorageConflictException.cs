using OrleansCache.Core;

namespace OrleansCache.Grains.Storage;

/// <summary>
/// A write lost a compare-and-set: another activation of the same key wrote first. The writing activation is stale and
/// deactivates; retry the operation and it reaches the current one.
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
