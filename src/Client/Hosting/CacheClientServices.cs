using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Client.Caching;

namespace OrleansCache.Client.Hosting;

/// <summary>The registrations every host of the cache client shares: an Orleans client, or a silo whose grains use the cache.</summary>
internal static class CacheClientServices
{
    public static void Add(IServiceCollection services, Action<OrleansCacheClientOptions>? configure)
    {
        var options = services.AddOptions<OrleansCacheClientOptions>();
        if (!services.Any(d => d.ServiceType == typeof(CacheClient)))
        {
            options.BindConfiguration(OrleansCacheClientOptions.SectionName);
            options.ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrleansCacheClientOptions>, OrleansCacheClientOptionsValidator>());
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<ICacheSerializer, SystemTextJsonCacheSerializer>();
            services.AddSingleton(sp => new CacheClient(
                sp.GetRequiredService<IGrainFactory>(),
                sp.GetRequiredService<IOptions<OrleansCacheClientOptions>>().Value,
                sp.GetRequiredService<ICacheSerializer>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>(),
                sp.GetService<IMeterFactory>()));
            services.TryAddSingleton<IOrleansCache>(sp => sp.GetRequiredService<CacheClient>());
            services.TryAddSingleton<IDistributedCache>(sp => new OrleansDistributedCache(sp.GetRequiredService<CacheClient>(), sp.GetRequiredService<TimeProvider>()));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }
    }
}
