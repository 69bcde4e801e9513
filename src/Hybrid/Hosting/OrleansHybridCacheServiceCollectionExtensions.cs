using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansCache.Client;
using OrleansCache.Client.Caching;
using OrleansCache.Hybrid;
using OrleansCache.Hybrid.Hosting;
using OrleansCache.Hybrid.Serialization;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="HybridCache"/> backed by OrleansCache.</summary>
public static class OrleansHybridCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HybridCache"/> on the app's OrleansCache client: its local tier is the client's near-cache,
    /// its distributed tier the cluster, so every instance sees every other's <c>SetAsync</c>, <c>RemoveAsync</c> and
    /// <c>RemoveByTagAsync</c> in its local copies, and a miss runs the factory once in the whole cluster. Replaces a
    /// <see cref="HybridCache"/> registered before (<c>AddHybridCache</c>), whichever was called first.
    /// </summary>
    /// <remarks>
    /// Needs the cache client as well (<c>services.AddOrleansCacheClient(...)</c>, <c>clientBuilder.AddOrleansCache(...)</c>
    /// or a silo's <c>AddOrleansCache</c>); resolving <see cref="HybridCache"/> without it throws
    /// <see cref="InvalidOperationException"/>. Of <see cref="HybridCacheOptions"/>, <see cref="HybridCacheOptions.DefaultEntryOptions"/>
    /// applies; size and key limits are the client's (<see cref="OrleansCacheClientOptions.MaxValueBytes"/>,
    /// <see cref="OrleansCacheClientOptions.MaxKeyLength"/>). Serializers register on the returned builder as with
    /// HybridCache (<c>.AddSerializer&lt;T, TSerializer&gt;()</c>, <c>.AddSerializerFactory&lt;TFactory&gt;()</c>).
    /// </remarks>
    /// <example>
    /// <code>
    /// services.AddOrleansCacheClient(o => o.Gateways.Add("10.0.0.5:30000"));
    /// services.AddOrleansHybridCache();   // was: services.AddHybridCache();
    /// </code>
    /// </example>
    public static IHybridCacheBuilder AddOrleansHybridCache(this IServiceCollection services, Action<HybridCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<HybridCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(OrleansHybridCache)))
        {
            services.AddSingleton(sp => new OrleansHybridCache(
                sp.GetService<CacheClient>() ?? throw new InvalidOperationException(
                    "AddOrleansHybridCache needs the OrleansCache client: also call services.AddOrleansCacheClient(...), or AddOrleansCache(...) on the Orleans client or silo builder."),
                new HybridSerializers(sp, sp.GetRequiredService<ICacheSerializer>()),
                sp.GetRequiredService<IOptions<HybridCacheOptions>>().Value));
            services.Replace(ServiceDescriptor.Singleton<HybridCache>(sp => sp.GetRequiredService<OrleansHybridCache>()));
        }

        return new OrleansHybridCacheBuilder(services);
    }
}
