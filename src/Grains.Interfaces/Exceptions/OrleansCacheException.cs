namespace OrleansCache;

/// <summary>The base of every exception OrleansCache throws for a cluster-side reason.</summary>
[GenerateSerializer, Alias("oc.OrleansCacheException")]
public class OrleansCacheException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OrleansCacheException() { }

    /// <summary>Creates the exception with a message.</summary>
    public OrleansCacheException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public OrleansCacheException(string message, Exception innerException) : base(message, innerException) { }
}
