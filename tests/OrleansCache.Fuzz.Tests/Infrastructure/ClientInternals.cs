using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Client.Caching;
using OrleansCache.Client.Feeds;
using OrleansCache.TestingHost;

namespace OrleansCache.Fuzz.Tests.Infrastructure;

/// <summary>Reaches into a test client for what the fuzz tests feed or look at: its cache and its feed consumer.</summary>
internal static class ClientInternals
{
    public static CacheClient Impl(this OrleansCacheTestClient client) => client.Services.GetRequiredService<CacheClient>();

    public static InvalidationConsumer Feeds(this OrleansCacheTestClient client) => client.Impl().Feeds;

    /// <summary>True if the near-cache would serve <paramref name="key"/> now.</summary>
    public static bool Serves(this OrleansCacheTestClient client, string key) => client.Impl().NearCache.TryGet(key, out _);
}
