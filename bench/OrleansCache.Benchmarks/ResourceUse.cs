namespace OrleansCache.Benchmarks;

/// <summary>
/// What a stretch of work cost the process: bytes allocated, thread-pool work items run, and gen-0 collections. In this
/// harness silos and clients share the process, so our figures count both ends of a call, while a Redis peer's figures
/// count only its client (the server is another process).
/// </summary>
internal sealed record ResourceUse(long AllocatedBytes, long WorkItems, int Gen0Collections)
{
    public static ResourceUse Now() => new(GC.GetTotalAllocatedBytes(precise: true), ThreadPool.CompletedWorkItemCount, GC.CollectionCount(0));

    public ResourceUse Since(ResourceUse start) => new(AllocatedBytes - start.AllocatedBytes, WorkItems - start.WorkItems, Gen0Collections - start.Gen0Collections);
}
