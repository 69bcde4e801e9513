using Microsoft.Extensions.Configuration;

namespace OrleansCache.Silo.Hosting;

/// <summary>The executable's configuration sources, later ones winning.</summary>
/// <remarks>
/// appsettings.json and appsettings.{Environment}.json beside the executable, environment variables (all, as every
/// .NET host reads them), environment variables with the <c>ORLEANSCACHE_</c> prefix, then the command line with the
/// short switches of <see cref="SiloCommandLine"/>.
/// </remarks>
internal static class SiloConfiguration
{
    public const string EnvironmentPrefix = "ORLEANSCACHE_";

    /// <summary>Adds the sources a host builder does not have already: the prefixed environment and the command line.</summary>
    public static void AddSources(IConfigurationBuilder configuration, string[] args)
    {
        configuration.AddEnvironmentVariables(prefix: EnvironmentPrefix);
        configuration.AddCommandLine(args, SiloCommandLine.SwitchMappings.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal));
    }

    /// <summary>
    /// All the sources, read before a host exists: the silo needs to know whether to host HTTP before it picks a builder.
    /// </summary>
    public static IConfiguration Read(string[] args)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables();
        AddSources(builder, args);
        return builder.Build();
    }
}
