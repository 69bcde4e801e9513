namespace OrleansCache.TestSupport.Staleness;

/// <summary>
/// Issue 13's P9 workload: per application instance, writers and readers on a small hot key set for a fixed time. The
/// defaults are the (2 writers and 8 readers per instance, 2 s).
/// </summary>
public sealed record StalenessWorkloadOptions
{
    public int WritersPerInstance { get; init; } = 2;

    public int ReadersPerInstance { get; init; } = 8;

    /// <summary>The hot keys, spread over the writers (each key has exactly one writer, so its versions follow its writes).</summary>
    public int Keys { get; init; } = 32;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A writer's pause after each acknowledged write, so writers load the cluster without taking every core.</summary>
    public TimeSpan WritePause { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>A reader's pause after each read: near-cache hits complete synchronously, and readers that never yield would starve the thread pool.</summary>
    public TimeSpan ReadPause { get; init; } = TimeSpan.FromMilliseconds(1);
}
