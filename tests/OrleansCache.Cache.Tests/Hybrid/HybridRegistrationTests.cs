using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Hybrid;
using Xunit;

namespace OrleansCache.Cache.Tests.Hybrid;

/// <summary>What <c>AddOrleansHybridCache</c> registers, without a cluster.</summary>
public sealed class HybridRegistrationTests
{
    [Fact]
    public void AddOrleansHybridCache_WithoutTheCacheClient_SaysWhatIsMissing_WhenResolved()
    {
        using var services = new ServiceCollection().AddOrleansHybridCache().Services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<HybridCache>());

        Assert.Contains("AddOrleansCacheClient", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddOrleansHybridCache_ReplacesAddHybridCache_InEitherOrder()
    {
        foreach (var orleansFirst in new[] { false, true })
        {
            var services = new ServiceCollection();
            if (orleansFirst)
            {
                services.AddOrleansHybridCache();
                services.AddHybridCache();
            }
            else
            {
                services.AddHybridCache();
                services.AddOrleansHybridCache();
            }

            var registration = Assert.Single(services, d => d.ServiceType == typeof(HybridCache));
            Assert.Null(registration.ImplementationType);
            Assert.NotNull(registration.ImplementationFactory);
            Assert.Single(services, d => d.ServiceType == typeof(OrleansHybridCache));
        }
    }

    [Fact]
    public void AddOrleansHybridCache_ReturnsABuilder_HybridCachesSerializerExtensionsChainOn()
    {
        var services = new ServiceCollection();

        services.AddOrleansHybridCache().AddSerializer<Money, MoneySerializer>().AddSerializerFactory<NoteSerializerFactory>();

        Assert.Contains(services, d => d.ServiceType == typeof(IHybridCacheSerializer<Money>));
        Assert.Contains(services, d => d.ServiceType == typeof(IHybridCacheSerializerFactory));
    }
}
