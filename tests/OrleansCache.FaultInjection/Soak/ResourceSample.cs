namespace OrleansCache.FaultInjection.Soak;

/// <summary>One reading of a process: resident memory, open file descriptors (sockets included) and threads.</summary>
internal sealed record ResourceSample(TimeSpan At, long RssKiB, int Handles, int Threads);
