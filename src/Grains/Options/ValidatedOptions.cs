using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansCache.Grains;

/// <summary>How the cache's silo-side options are registered, here and by its providers (Redis).</summary>
internal static class ValidatedOptions
{
    /// <summary>
    /// Options bound from <paramref name="section"/> of <paramref name="configuration"/> (if any; before any delegate the
    /// application adds later), validated by <typeparamref name="TValidator"/> when the silo starts.
    /// </summary>
    public static void Add<TOptions, TValidator>(IServiceCollection services, IConfiguration? configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var options = services.AddOptions<TOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(section));
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
