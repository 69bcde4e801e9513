namespace OrleansCache.Core;

/// <summary>
/// No silo could serve the call: no gateway was reachable, or the grain's owner could not be reached before the
/// deadline. Check that silos are running and that the configured gateways and cluster id are right.
/// </summary>
public sealed class ClusterUnavailableException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ClusterUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ClusterUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
