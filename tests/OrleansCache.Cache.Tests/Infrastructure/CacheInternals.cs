using OrleansCache.TestSupport.Waiting;
using OrleansCache.Client.Caching;
using OrleansCache.Client.NearCaching;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cache.Tests.Infrastructure;

/// <summary>Reaches into a cache client for what tests must see but users need not.</summary>
internal static class CacheInternals
{
    public static NearCache Near(this OrleansCacheTestClient client) => client.CacheClient.NearCache;

    public static CacheClient Impl(this OrleansCacheTestClient client) => client.CacheClient;

    /// <summary>True if the near-cache would serve <paramref name="key"/> now.</summary>
    public static bool Serves(this OrleansCacheTestClient client, string key) => client.Near().TryGet(key, out _);

    /// <summary>Completes with (kept, dropped) of the next partition revalidation.</summary>
    public static Task<(int Kept, int Dropped)> NextRevalidationAsync(this OrleansCacheTestClient client)
    {
        var done = new TaskCompletionSource<(int, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRevalidated(int kept, int dropped)
        {
            client.CacheClient.Revalidated -= OnRevalidated;
            done.TrySetResult((kept, dropped));
        }

        client.CacheClient.Revalidated += OnRevalidated;
        return done.Task.WaitAsync(Watch.Timeout, TestContext.Current.CancellationToken);
    }

    /// <summary>Waits until the client's subscription to every partition's feed is live.</summary>
    public static Task WaitUntilSubscribedAsync(this OrleansCacheTestClient client) =>
        Eventually.TrueAsync(
            () => Enumerable.Range(0, Grains.Interfaces.CachePartitions.Count).All(p => client.Impl().Feeds.StateOf(p).Live),
            $"{client} is subscribed to every partition", cancellationToken: TestContext.Current.CancellationToken);
}
