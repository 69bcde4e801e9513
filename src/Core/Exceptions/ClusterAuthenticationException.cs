namespace OrleansCache.Core;

/// <summary>
/// The two sides of a connection could not authenticate each other: the shared secret or client key is missing or
/// does not match, the port requires TLS, or a TLS certificate is not trusted. This is a configuration error, not a
/// transient one, so calls fail with it at once instead of waiting for a gateway: fix the <c>Security</c> settings of
/// the client or the silos (docs/security.md).
/// </summary>
public sealed class ClusterAuthenticationException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public ClusterAuthenticationException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ClusterAuthenticationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ClusterAuthenticationException(string message, Exception innerException) : base(message, innerException) { }
}
