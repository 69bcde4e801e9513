using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using OrleansCache.Redis;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansCache.Silo.Http;
using OrleansCache.Silo.Options;
using OrleansCache.Silo.Security;

namespace OrleansCache.Silo.Hosting;

/// <summary>
/// Builds the executable's host: one Orleans silo with the cache, configured from appsettings.json, the environment and
/// the command line, with TLS and the HTTP endpoints when their settings ask for them.
/// </summary>
/// <remarks>
/// Without HTTP the host is a plain generic host: no ASP.NET Core server runs and no port besides the silo's two is
/// opened. With HTTP it is a <see cref="WebApplication"/> sharing one container with the silo, so health checks read
/// the silo's own membership view.
/// </remarks>
internal static class SiloHost
{
    /// <summary>Builds the host; <paramref name="configure"/> adds to it last (tests add loggers).</summary>
    public static IHost Build(string[] args, Action<IHostApplicationBuilder>? configure = null)
    {
        var settings = SiloConfiguration.Read(args);
        var http = settings.GetSection(HttpEndpointOptions.SectionName).GetValue<bool>(nameof(HttpEndpointOptions.Enabled));

        // Args are not given to the builders: they would read them without the short switches.
        WebApplicationBuilder? web = null;
        IHostApplicationBuilder builder = http
            ? web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        SiloConfiguration.AddSources(builder.Configuration, args);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        AddOptions(builder.Services, builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SiloHostState>();
        builder.Services.AddHostedService<SiloHostLifetime>();
        builder.UseOrleans(silo => ConfigureSilo(silo, builder.Configuration));
        SiloTracing.Add(builder);
        if (web is not null)
        {
            OperatorHttp.AddServices(web);
        }

        configure?.Invoke(builder);
        if (web is null)
        {
            return ((HostApplicationBuilder)builder).Build();
        }

        var app = web.Build();
        OperatorHttp.Map(app);
        return app;
    }

    private static void AddOptions(IServiceCollection services, IConfiguration configuration)
    {
        Add<SiloHostOptions, SiloHostOptionsValidator>(services, configuration, SiloHostOptions.SectionName);
        Add<RedisSettings, RedisSettingsValidator>(services, configuration, RedisSettings.SectionName);
        services.Configure<RedisSettings>(o => o.BridgeEnabled = configuration.GetValue<bool?>(RedisCacheWiring.BridgeEnabledKey));
        Add<HttpEndpointOptions, HttpEndpointOptionsValidator>(services, configuration, HttpEndpointOptions.SectionName);
        Add<TlsSettings, TlsSettingsValidator>(services, configuration, TlsSettings.SectionName);
        Add<TracingSettings, TracingSettingsValidator>(services, configuration, TracingSettings.SectionName);

        static void Add<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string section)
            where TOptions : class
            where TValidator : class, IValidateOptions<TOptions>
        {
            services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        }
    }

    /// <summary>
    /// The silo: identity and endpoints from <see cref="SiloHostOptions"/>, Redis clustering when
    /// <see cref="RedisSettings.ConnectionString"/> is set (else localhost clustering through a primary silo), tuned
    /// failure detection, the cache, TLS when <see cref="TlsSettings.CertificatePath"/> is set, and Orleans' dashboard
    /// services unless <see cref="HttpEndpointOptions.OrleansDashboard"/> is off (on every silo, HTTP port or not).
    /// </summary>
    /// <remarks>
    /// Only which features are on is read from <paramref name="configuration"/> here; their values are read through
    /// validated options when the silo starts, so a bad value is reported by its validator, not as a crash.
    /// </remarks>
    private static void ConfigureSilo(ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddOptions<ClusterOptions>().Configure<IOptions<SiloHostOptions>>((cluster, host) =>
        {
            cluster.ClusterId = host.Value.ClusterId;
            cluster.ServiceId = host.Value.ServiceId;
        });
        services.AddOptions<SiloOptions>().Configure<IOptions<SiloHostOptions>>((o, host) => o.SiloName = host.Value.EffectiveSiloName);
        services.AddOptions<EndpointOptions>().Configure<IOptions<SiloHostOptions>>((endpoints, host) =>
        {
            var options = host.Value;
            var listen = SiloEndpoints.ListenAddress(options);
            endpoints.AdvertisedIPAddress = SiloEndpoints.AdvertisedAddress(options);
            endpoints.SiloPort = options.SiloPort;
            endpoints.GatewayPort = options.GatewayPort;
            endpoints.SiloListeningEndpoint = new IPEndPoint(listen, options.SiloPort);
            endpoints.GatewayListeningEndpoint = new IPEndPoint(listen, options.GatewayPort);
        });

        var redis = !string.IsNullOrWhiteSpace(configuration[$"{RedisSettings.SectionName}:{nameof(RedisSettings.ConnectionString)}"]);
        if (redis)
        {
            silo.UseRedisClustering(_ => { });
            // One Redis configuration for membership, entry storage and the bridge: the Redis section, as the cache reads it.
            services.AddOptions<RedisClusteringOptions>().Configure<IOptions<RedisCacheOptions>>((o, cache) => o.ConfigurationOptions = OrleansCache.Redis.Connection.RedisConnection.BuildConfiguration(cache.Value));
        }
        else
        {
            silo.UseDevelopmentClustering(o => o.Configure<IOptions<SiloHostOptions>>((membership, host) => membership.PrimarySiloEndpoint = SiloEndpoints.PrimarySilo(host.Value)));
        }

        if (OperatorHttp.RunsOrleansDashboard(configuration))
        {
            silo.AddDashboard();
        }

        silo.UseFastFailureDetection();

        // Grain call spans, so a traced write shows the grain between the client and the clients it invalidated; only
        // when spans are exported: the filters cost every grain call about a kilobyte even when nothing listens (ADR 0088).
        if (SiloTracing.IsOn(configuration))
        {
            silo.AddActivityPropagation();
        }

        silo.AddOrleansCache(cache =>
        {
            if (redis)
            {
                RedisCacheWiring.ConfigureRedisCache(cache, configuration);
            }
        });

        if (!string.IsNullOrWhiteSpace(configuration[$"{TlsSettings.SectionName}:{nameof(TlsSettings.CertificatePath)}"]))
        {
            SiloTls.Add(silo);
        }
    }
}
