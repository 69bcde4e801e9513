using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OrleansCache.Runtime.Tests.Infrastructure;

internal static class ServiceProviderOptions
{
    /// <summary>The resolved options of type <typeparamref name="T"/> of a silo.</summary>
    public static T GetOptions<T>(this IServiceProvider services) where T : class => services.GetRequiredService<IOptions<T>>().Value;
}
