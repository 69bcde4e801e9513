namespace OrleansCache.Core;

/// <summary>
/// The connection that carried a call closed before its response arrived. The call may or may not have run;
/// retry it if it is idempotent. The client reconnects on its own.
/// </summary>
public sealed class ConnectionLostException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionLostException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ConnectionLostException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ConnectionLostException(string message, Exception innerException) : base(message, innerException) { }
}
