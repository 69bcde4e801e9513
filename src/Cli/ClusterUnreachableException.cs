namespace OrleansCache.Cli;

/// <summary>
/// No gateway of the cluster accepted the tool within its timeout, or they refused its secret, or the tool refused their
/// certificate; reported in one line with exit code 1.
/// </summary>
internal sealed class ClusterUnreachableException(string message, Exception innerException) : Exception(message, innerException);
