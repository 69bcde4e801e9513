

namespace OrleansCache.Client;

/// <summary>
/// The value factory of a get-or-create failed in the caller that held the fill (possibly in another process); this
/// caller waited for it. The message is the factory's. Calling again runs the factory anew.
/// </summary>
public sealed class CacheFactoryException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public CacheFactoryException() { }

    /// <summary>Creates the exception with a message.</summary>
    public CacheFactoryException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CacheFactoryException(string message, Exception innerException) : base(message, innerException) { }
}
