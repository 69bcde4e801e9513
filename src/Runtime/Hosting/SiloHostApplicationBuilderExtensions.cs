using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Runtime;

namespace Microsoft.Extensions.Hosting;

/// <summary>Makes a generic host a silo.</summary>
public static class SiloHostApplicationBuilderExtensions
{
    /// <summary>
    /// Runs a silo in this host, configured from the host's configuration (sections <c>Silo</c>, <c>Membership</c>, <c>Security</c>,
    /// <c>GrainCollection</c>, <c>Messaging</c>) and then from <paramref name="configure"/>.
    /// </summary>
    public static IHostApplicationBuilder UseOrleansCacheSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOrleansCacheSilo(builder.Configuration, configure);
        return builder;
    }
}
