using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Proxies;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Grains;
using OrleansCache.Runtime.Membership;

namespace Microsoft.Extensions.Hosting;

/// <summary>Configuration of a silo through its <see cref="ISiloBuilder"/>.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Hosts grains of <typeparamref name="TGrain"/>, addressed through <typeparamref name="TGrainInterface"/>.</summary>
    public static ISiloBuilder AddGrain<TGrainInterface, TGrain>(this ISiloBuilder builder)
        where TGrainInterface : IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Validates the interface now, so a bad grain interface fails at startup, not on first call.
        _ = GrainInterfaceDescriptor.For(typeof(TGrainInterface));
        builder.Services.AddSingleton(new GrainRegistration(typeof(TGrainInterface), typeof(TGrain)));
        return builder;
    }

    /// <summary>
    /// Keeps membership in this process's memory: a single silo, or the silos of one process sharing
    /// <paramref name="table"/>. This is the default when no other clustering is configured.
    /// </summary>
    public static ISiloBuilder UseInMemoryClustering(this ISiloBuilder builder, InMemoryMembershipTable? table = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IMembershipTable>();
        if (table is null)
        {
            builder.Services.AddSingleton<IMembershipTable, InMemoryMembershipTable>();
        }
        else
        {
            builder.Services.AddSingleton<IMembershipTable>(table);
        }

        return builder;
    }

    /// <summary>Sets the silo's identity and endpoints.</summary>
    public static ISiloBuilder Configure(this ISiloBuilder builder, Action<SiloOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Sets failure detection.</summary>
    public static ISiloBuilder ConfigureMembership(this ISiloBuilder builder, Action<MembershipOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Sets activation limits and idle collection.</summary>
    public static ISiloBuilder ConfigureGrainCollection(this ISiloBuilder builder, Action<GrainCollectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Sets call timeouts and connection limits.</summary>
    public static ISiloBuilder ConfigureMessaging(this ISiloBuilder builder, Action<SiloMessagingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Sets the HTTP endpoints for operators (health, readiness, Prometheus metrics, dashboard); off by default.</summary>
    public static ISiloBuilder ConfigureHttp(this ISiloBuilder builder, Action<SiloHttpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }
}
