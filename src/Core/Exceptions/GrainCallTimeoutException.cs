namespace OrleansCache.Core;

/// <summary>A grain call got no response within its timeout. The call may or may not have run.</summary>
public sealed class GrainCallTimeoutException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public GrainCallTimeoutException() { }

    /// <summary>Creates the exception with a message.</summary>
    public GrainCallTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public GrainCallTimeoutException(string message, Exception innerException) : base(message, innerException) { }
}
