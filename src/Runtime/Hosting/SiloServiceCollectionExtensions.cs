using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Activation;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Grains;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Http;
using OrleansCache.Runtime.Management;
using OrleansCache.Core.Management;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Messaging;
using OrleansCache.Runtime.Placement;
using OrleansCache.Runtime.Security;
using OrleansCache.Runtime.SiloMessaging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a silo in a service collection.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// Adds a silo: it starts with the host and leaves the cluster gracefully when the host stops.
    /// Options bind from the configuration sections <c>Silo</c>, <c>Membership</c>, <c>GrainCollection</c>,
    /// <c>Messaging</c>, <c>Security</c> and <c>Http</c> when <paramref name="configuration"/> is given; <paramref name="configure"/> runs after.
    /// </summary>
    public static IServiceCollection AddOrleansCacheSilo(this IServiceCollection services, IConfiguration? configuration = null, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configuration is not null)
        {
            services.Configure<SiloOptions>(configuration.GetSection(SiloOptions.SectionName));
            services.Configure<MembershipOptions>(configuration.GetSection(MembershipOptions.SectionName));
            services.Configure<GrainCollectionOptions>(configuration.GetSection(GrainCollectionOptions.SectionName));
            services.Configure<SiloMessagingOptions>(configuration.GetSection(SiloMessagingOptions.SectionName));
            services.Configure<SiloSecurityOptions>(configuration.GetSection(SiloSecurityOptions.SectionName));
            services.Configure<SiloHttpOptions>(configuration.GetSection(SiloHttpOptions.SectionName));
        }

        // The silo starts first: hosted services a provider adds (e.g. the Redis bridge) start after it has joined.
        services.TryAddSingleton<Silo>();
        services.AddHostedService(sp => sp.GetRequiredService<Silo>());

        configure?.Invoke(new SiloBuilder(services, configuration));

        services.AddOptions<SiloOptions>().ValidateOnStart();
        services.AddOptions<MembershipOptions>().ValidateOnStart();
        services.AddOptions<GrainCollectionOptions>().ValidateOnStart();
        services.AddOptions<SiloMessagingOptions>().ValidateOnStart();
        services.AddOptions<SiloSecurityOptions>().ValidateOnStart();
        services.AddOptions<SiloHttpOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MembershipOptions>, SiloOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainCollectionOptions>, SiloOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloMessagingOptions>, SiloOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloSecurityOptions>, SiloSecurityOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloHttpOptions>, SiloHttpOptionsValidator>());

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMembershipTable, InMemoryMembershipTable>();
        services.TryAddSingleton<RuntimeMetrics>();
        services.TryAddSingleton<LocalSiloDetails>();
        services.TryAddSingleton<SiloSecurity>();
        services.TryAddSingleton<GrainTypeRegistry>();
        services.TryAddSingleton<MembershipService>();
        services.TryAddSingleton<Catalog>();
        services.TryAddSingleton<SiloConnectionPool>();
        services.TryAddSingleton<GrainOwnership>();
        services.TryAddSingleton<GrainCallRouter>();
        services.TryAddSingleton<GatewayClients>();
        services.TryAddSingleton<InFlightCounter>();
        services.TryAddSingleton<SiloMessenger>();
        services.TryAddSingleton<SiloListener>();
        services.TryAddSingleton<SiloGrainFactory>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<SiloGrainFactory>());

        // Every silo answers management calls (members, statistics) for operators' tools and the dashboard.
        services.TryAddSingleton<SiloMetricsCollector>();
        services.AddSingleton<ISystemTarget, ManagementTarget>();
        services.AddSingleton(new GrainRegistration(typeof(IManagementGrain), typeof(ManagementGrain)));

        // Health, readiness, Prometheus metrics and the dashboard, on their own port when Http:Enabled.
        services.TryAddSingleton<SiloHealth>();
        services.TryAddSingleton<ClusterOverviewSource>();
        services.TryAddSingleton<SiloHttpServer>();
        return services;
    }
}
