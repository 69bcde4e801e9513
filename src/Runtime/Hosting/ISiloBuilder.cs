using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansCache.Runtime;

/// <summary>Configures a silo: its grains, its membership table and its options.</summary>
public interface ISiloBuilder
{
    /// <summary>The host's services; providers register themselves here.</summary>
    IServiceCollection Services { get; }

    /// <summary>The host's configuration, if it has one.</summary>
    IConfiguration? Configuration { get; }
}
