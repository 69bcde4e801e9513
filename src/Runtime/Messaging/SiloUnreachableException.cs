namespace OrleansCache.Runtime.Messaging;

/// <summary>A connection to another silo could not be opened; nothing was sent, so retrying is safe.</summary>
internal sealed class SiloUnreachableException : Exception
{
    public SiloUnreachableException(string message) : base(message) { }

    public SiloUnreachableException(string message, Exception innerException) : base(message, innerException) { }
}
