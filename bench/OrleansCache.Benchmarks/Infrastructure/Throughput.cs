namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>Calls per second, and bytes allocated and thread-pool work items run in this process per call.</summary>
internal sealed record Throughput(double PerSecond, double BytesPerCall, double WorkItemsPerCall);
