using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cache.Tests.Hybrid;

/// <summary>
/// Three silos and two app instances (A and B), each a client host with its own HybridCache registered by
/// <c>AddOrleansHybridCache</c> the way an app would, a custom serializer and a serializer factory chained on it. Shared
/// by the tests of one class, which leave the silos alone.
/// </summary>
public sealed class HybridCluster : IAsyncLifetime
{
    /// <summary>The local expiration every instance's default entry options give.</summary>
    public static readonly TimeSpan DefaultLocalExpiration = TimeSpan.FromMinutes(1);

    public OrleansCacheTestCluster Cluster { get; private set; } = null!;

    public OrleansCacheTestClient A { get; private set; } = null!;

    public OrleansCacheTestClient B { get; private set; } = null!;

    public HybridCache HybridA => A.Services.GetRequiredService<HybridCache>();

    public HybridCache HybridB => B.Services.GetRequiredService<HybridCache>();

    public async ValueTask InitializeAsync()
    {
        Cluster = await OrleansCacheTestCluster.StartAsync(silos: 3, options => options.ConfigureClientBuilder = client =>
            client.Services
                .AddOrleansHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions { LocalCacheExpiration = DefaultLocalExpiration })
                .AddSerializer<Money, MoneySerializer>()
                .AddSerializerFactory<NoteSerializerFactory>());
        A = Cluster.DefaultClient;
        B = await Cluster.CreateClientAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}
