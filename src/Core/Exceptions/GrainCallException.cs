namespace OrleansCache.Core;

/// <summary>
/// A grain call failed on the silo: the grain method threw, or the silo rejected the call
/// (unknown grain type or method, bad arguments, overload). <see cref="Kind"/> says which.
/// </summary>
public sealed class GrainCallException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public GrainCallException() { }

    /// <summary>Creates the exception with a message.</summary>
    public GrainCallException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public GrainCallException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a failure reported by a silo.</summary>
    public GrainCallException(GrainCallFailureKind kind, string message, string? remoteExceptionType)
        : base(message)
    {
        Kind = kind;
        RemoteExceptionType = remoteExceptionType;
    }

    /// <summary>Why the call failed.</summary>
    public GrainCallFailureKind Kind { get; }

    /// <summary>For <see cref="GrainCallFailureKind.Application"/>: the full name of the exception type the grain threw.</summary>
    public string? RemoteExceptionType { get; }
}
