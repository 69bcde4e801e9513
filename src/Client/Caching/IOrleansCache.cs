namespace OrleansCache.Client;

/// <summary>
/// The coherent cache: typed reads and writes through a local near-cache that the cluster keeps up to date.
/// </summary>
/// <remarks>
/// Thread-safe; share one per process. What it guarantees, and within what bounds, is in <c>docs/consistency.md</c>:
/// in short, a value this client has seen replaced or removed is never returned again, a read never caches a value an
/// invalidation overtook, and one miss per key runs the value factory once across the whole cluster.
/// Values served from the near-cache are shared instances: do not mutate them.
/// Keys, tags, patterns and value sizes are checked before anything is sent; a violation throws
/// <see cref="ArgumentException"/>.
/// </remarks>
public interface IOrleansCache
{
    /// <summary>Raised for every invalidation this client applies (pushed by the cluster or made by this client).</summary>
    event EventHandler<CacheInvalidatedEventArgs>? Invalidated;

    /// <summary>The value of <paramref name="key"/>, or default if it has none.</summary>
    ValueTask<T?> GetAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="key"/> has a value, and the value.</summary>
    ValueTask<CacheLookup<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores a value; every client holding an older one drops it.</summary>
    Task SetAsync<T>(string key, T value, CacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The value of <paramref name="key"/>; on a miss, <paramref name="factory"/> runs once in the whole cluster while
    /// every other caller for the key waits for its result.
    /// </summary>
    /// <remarks>
    /// If the factory throws, its caller gets that exception and every waiter gets a <see cref="CacheFactoryException"/>
    /// with its message; the next call tries the factory again. A value the factory produced after the key was
    /// invalidated is returned to its caller but not stored.
    /// </remarks>
    Task<T> GetOrCreateAsync<T>(string key, Func<CancellationToken, Task<T>> factory, CacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the value of <paramref name="key"/> everywhere.</summary>
    Task RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Invalidates one key everywhere (the same as <see cref="RemoveAsync"/>).</summary>
    Task InvalidateAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Invalidates several keys everywhere.</summary>
    Task InvalidateAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Invalidates every key matching a glob pattern (<c>*</c> any run, <c>?</c> one character), e.g. <c>user:123:*</c>.</summary>
    /// <returns>How many keys held a value in the cluster.</returns>
    Task<long> InvalidateByPatternAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>Invalidates every key stored with <paramref name="tag"/>.</summary>
    /// <returns>How many keys held a value in the cluster.</returns>
    Task<long> InvalidateByTagAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>Invalidates every key.</summary>
    /// <returns>How many keys held a value in the cluster.</returns>
    Task<long> InvalidateAllAsync(CancellationToken cancellationToken = default);
}
