namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>The silos under test: in this process (<see cref="InProcessCluster"/>) or separate processes (<see cref="ProcessCluster"/>).</summary>
internal interface IBenchCluster : IAsyncDisposable
{
    string ClusterId { get; }

    string ServiceId { get; }

    IReadOnlyList<BenchSilo> Silos { get; }

    /// <summary>The silos' process ids when they run as processes; empty when they run in this process.</summary>
    IReadOnlyList<int> ProcessIds { get; }
}
