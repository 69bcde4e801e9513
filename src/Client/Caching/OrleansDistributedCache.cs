using Microsoft.Extensions.Caching.Distributed;

namespace OrleansCache.Client.Caching;

/// <summary>
/// <see cref="IDistributedCache"/> over the coherent cache, so ASP.NET Core apps switch over unchanged (session state,
/// output caching, <c>IDistributedCache</c> users).
/// </summary>
/// <remarks>
/// Sliding expiration is applied as a fixed time to live from the write (the cluster does not extend it on reads), and
/// <see cref="Refresh"/> does nothing. The synchronous methods block on the asynchronous ones, as the interface
/// requires; prefer the asynchronous ones.
/// </remarks>
internal sealed class OrleansDistributedCache(CacheClient cache, TimeProvider time) : IDistributedCache
{
    public byte[]? Get(string key) => RunSync(() => cache.GetBytesAsync(key, CancellationToken.None));

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => cache.GetBytesAsync(key, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => RunSync(() => SetAsync(key, value, options));

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return cache.SetBytesAsync(key, value, TimeToLive(options), token);
    }

    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => RunSync(() => RemoveAsync(key));

    public Task RemoveAsync(string key, CancellationToken token = default) => cache.InvalidateAsync(key, token);

    private TimeSpan? TimeToLive(DistributedCacheEntryOptions options)
    {
        var ttl = options.AbsoluteExpirationRelativeToNow ?? (options.AbsoluteExpiration is { } at ? at - time.GetUtcNow() : options.SlidingExpiration);
        if (ttl is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The absolute expiration is in the past.");
        }

        return ttl;
    }

    // Off the caller's synchronization context, so blocking cannot deadlock it.
    private static T RunSync<T>(Func<Task<T>> action) => Task.Run(action).GetAwaiter().GetResult();

    private static void RunSync(Func<Task> action) => Task.Run(action).GetAwaiter().GetResult();
}
