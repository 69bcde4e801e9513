using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Grains;

namespace Orleans.Hosting;

/// <summary>What <see cref="OrleansCacheSiloBuilderExtensions.AddOrleansCache"/> hands its configuration delegate: storage, bridge and options.</summary>
public sealed class OrleansCacheSiloBuilder
{
    internal OrleansCacheSiloBuilder(ISiloBuilder silo)
    {
        Silo = silo;
    }

    /// <summary>The silo being configured.</summary>
    public ISiloBuilder Silo { get; }

    /// <summary>The silo's services.</summary>
    public IServiceCollection Services => Silo.Services;

    /// <summary>The silo's configuration (may be empty).</summary>
    public IConfiguration Configuration => Silo.Configuration;

    /// <summary>Changes the cache's limits and timings (after the <c>Cache</c> configuration section).</summary>
    public OrleansCacheSiloBuilder ConfigureOptions(Action<CacheSiloOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>
    /// Publishes every invalidation the cluster applies on the silo's stream provider <paramref name="providerName"/>
    /// (added by the application, e.g. <c>AddMemoryStreams</c>), as <see cref="OrleansCache.Grains.Interfaces.CacheInvalidationEvent"/>s:
    /// a key's on the stream of that key in <see cref="CacheStreamOptions.KeyNamespace"/>, pattern, tag and "all" on
    /// one stream in <see cref="CacheStreamOptions.BroadNamespace"/>. Off unless called or configured
    /// (<c>Cache:Streams:ProviderName</c>); docs/streams.md.
    /// </summary>
    /// <example>
    /// <code>
    /// silo.AddMemoryGrainStorage("PubSubStore")
    ///     .AddMemoryStreams("cache-events")
    ///     .AddOrleansCache(cache => cache.PublishInvalidationsToStreams("cache-events"));
    /// </code>
    /// </example>
    public OrleansCacheSiloBuilder PublishInvalidationsToStreams(string providerName, Action<CacheStreamOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        Services.Configure<CacheStreamOptions>(options =>
        {
            options.ProviderName = providerName;
            configure?.Invoke(options);
        });
        return this;
    }

    /// <summary>Changes the options of the silo's own cache client, which the application's grains use through <c>IOrleansCache</c>.</summary>
    public OrleansCacheSiloBuilder ConfigureClient(Action<OrleansCache.Client.OrleansCacheClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}
