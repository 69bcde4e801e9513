namespace OrleansCache.TestSupport.Processes;

/// <summary>
/// A silo process ended before it printed the line a caller waited for (it failed at start, or stopped itself): the
/// wait ends at once instead of running out its timeout.
/// </summary>
public sealed class SiloExitedException(string message) : Exception(message);
