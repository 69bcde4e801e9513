namespace OrleansCache.Cli;

/// <summary>No gateway of the cluster accepted the tool within its timeout; reported in one line with exit code 1.</summary>
internal sealed class ClusterUnreachableException(string message, Exception innerException) : Exception(message, innerException);
