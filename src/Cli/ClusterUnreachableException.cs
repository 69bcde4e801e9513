namespace OrleansCache.Cli;

/// <summary>
/// No gateway of the cluster accepted the tool within its timeout, or the connection failed or was closed, or the tool
/// refused the gateways' certificate; reported in one line with exit code 1.
/// </summary>
internal sealed class ClusterUnreachableException(string message, Exception innerException) : Exception(message, innerException);
