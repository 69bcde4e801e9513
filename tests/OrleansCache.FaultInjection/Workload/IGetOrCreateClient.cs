namespace OrleansCache.FaultInjection.Workload;

/// <summary>A cache client as the get-or-create bursts drive it (G6): one call of the cache's own get-or-create.</summary>
internal interface IGetOrCreateClient
{
    /// <summary>The client's number in the history.</summary>
    int Number { get; }

    /// <summary>The value of <paramref name="key"/>, or on a miss the one <paramref name="factory"/> makes (once in the whole cluster).</summary>
    Task<string> GetOrCreateAsync(string key, Func<CancellationToken, Task<string>> factory, CancellationToken cancellationToken);
}
