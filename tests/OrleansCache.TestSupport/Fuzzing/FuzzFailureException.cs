namespace OrleansCache.TestSupport.Fuzzing;

/// <summary>A fuzzed target broke its property; the message says how to replay the case.</summary>
public sealed class FuzzFailureException : Exception
{
    public FuzzFailureException(string message) : base(message) { }

    public FuzzFailureException(string message, Exception innerException) : base(message, innerException) { }
}
