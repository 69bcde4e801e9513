namespace OrleansCache.Silo.Hosting;

/// <summary>What the host knows about its own life that Orleans does not expose: whether it has begun to stop.</summary>
internal sealed class SiloHostState(TimeProvider time)
{
    private int _stopping;

    /// <summary>When the host was created.</summary>
    public DateTimeOffset CreatedAt { get; } = time.GetUtcNow();

    /// <summary>True from the first moment of a stop (Ctrl+C, SIGTERM), before the silo leaves the cluster.</summary>
    public bool IsStopping => Volatile.Read(ref _stopping) == 1;

    public void MarkStopping() => Volatile.Write(ref _stopping, 1);
}
