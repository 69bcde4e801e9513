using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client.Caching;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

/// <summary>
/// The references the hot paths make without Orleans' per-call interface resolution are the ones
/// <c>GetGrain&lt;T&gt;</c> makes: same grain, same interface, and calls through them reach the grain.
/// </summary>
public sealed class CacheGrainReferencesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task References_AreThoseOfGetGrain_BeforeAndAfterTheFirstResolution_AndCallsReachTheGrains()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 1);
        var factory = cluster.DefaultClient.Client;
        var references = new CacheGrainReferences(factory);

        // The first entry reference resolves the types; the next ones are made from them.
        foreach (var key in new[] { CacheClusters.Key(), CacheClusters.Key(), "a key with spaces and ü" })
        {
            AssertSame(factory.GetGrain<ICacheEntryGrain>(key), references.Entry(key));
        }

        for (var partition = 0; partition < CachePartitions.Count; partition++)
        {
            AssertSame(factory.GetGrain<IInvalidationFeedGrain>(partition), references.Feed(partition));
        }

        AssertSame(factory.GetGrain<IInvalidationFeedGrain>(CachePartitions.Of("user:1")), references.FeedOf("user:1"));
        AssertSame(factory.GetGrain<ICacheCoordinatorGrain>(0), references.Coordinator());
        Assert.Same(references.Feed(3), references.Feed(3));

        var written = CacheClusters.Key();
        var version = await references.Entry(written).SetAsync([1, 2, 3], CacheWriteOptions.Default, Guid.Empty).WaitAsync(Token);
        var read = await factory.GetGrain<ICacheEntryGrain>(written).GetAsync(Guid.Empty).AsTask().WaitAsync(Token);
        Assert.Equal(version, read.Version);
        Assert.Equal([1, 2, 3], read.Value);
        Assert.Equal([version], await references.Coordinator().CheckVersionsAsync([written], Guid.Empty).WaitAsync(Token));
    }

    private static void AssertSame(IAddressable expected, IAddressable actual)
    {
        var e = Assert.IsAssignableFrom<GrainReference>(expected);
        var a = Assert.IsAssignableFrom<GrainReference>(actual);
        Assert.Equal(e.GrainId, a.GrainId);
        Assert.Equal(e.InterfaceType, a.InterfaceType);
        Assert.Equal(expected.GetType(), actual.GetType());
    }
}
