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

    /// <summary>Changes the options of the silo's own cache client, which the application's grains use through <c>IOrleansCache</c>.</summary>
    public OrleansCacheSiloBuilder ConfigureClient(Action<OrleansCache.Client.OrleansCacheClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}
