namespace OrleansCache.FaultInjection.Soak;

/// <summary>One process's resources at one moment of a soak.</summary>
/// <param name="At">Run clock.</param>
/// <param name="Series">Which process: <c>runner</c> (the clients' process), or a silo slot and generation (<c>silo 1.3</c>).</param>
/// <param name="RssMegabytes">Resident set size.</param>
/// <param name="Threads">OS threads.</param>
/// <param name="Handles">Open file descriptors (sockets included).</param>
/// <param name="Collections">Garbage collections so far, gen 0 + 1 + 2 (the runner only: a silo's are not visible from outside).</param>
/// <param name="HeapMegabytes">Managed heap alive at the last full collection (the runner only).</param>
internal sealed record ResourceSample(TimeSpan At, string Series, double RssMegabytes, int Threads, int Handles, int? Collections, double? HeapMegabytes);
