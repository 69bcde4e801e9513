using OrleansCache.Client;

namespace OrleansCache.TestSupport.Staleness;

/// <summary>An <see cref="IOrleansCache"/> client as one application instance of the staleness workload: <c>SetAsync</c> and <c>TryGetAsync</c> (near-cache first).</summary>
public sealed class OrleansCacheVersionedCache(IOrleansCache cache) : IVersionedCache
{
    public Task WriteAsync(string key, long version, CancellationToken cancellationToken) => cache.SetAsync(key, version, cancellationToken: cancellationToken);

    public async ValueTask<long?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var lookup = await cache.TryGetAsync<long>(key, cancellationToken).ConfigureAwait(false);
        return lookup.Found ? lookup.Value : null;
    }
}
