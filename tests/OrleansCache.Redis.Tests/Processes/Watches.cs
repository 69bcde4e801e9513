namespace OrleansCache.Redis.Tests.Processes;

/// <summary>Several <see cref="InvalidationWatch"/>es awaited together, all unsubscribed when disposed.</summary>
internal sealed class Watches(IEnumerable<InvalidationWatch> watches) : IDisposable
{
    private readonly List<InvalidationWatch> _watches = [.. watches];

    /// <summary>Completes when every watch has seen its invalidation.</summary>
    public Task AllSeenAsync() => Task.WhenAll(_watches.Select(w => w.Seen));

    public void Dispose()
    {
        foreach (var watch in _watches)
        {
            watch.Dispose();
        }
    }
}
