namespace OrleansCache.Core;

/// <summary>
/// A message is larger than the configured frame limit, so it was not sent. Send smaller values, or raise
/// <c>MaxFrameBytes</c> on both the silos and the clients.
/// </summary>
public sealed class MessageTooLargeException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException() { }

    /// <summary>Creates the exception with a message.</summary>
    public MessageTooLargeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public MessageTooLargeException(string message, Exception innerException) : base(message, innerException) { }
}
