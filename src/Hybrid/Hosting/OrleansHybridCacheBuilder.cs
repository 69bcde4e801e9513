using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansCache.Hybrid.Hosting;

/// <summary>What <c>AddOrleansHybridCache</c> returns, so HybridCache's own <c>AddSerializer</c>/<c>AddSerializerFactory</c> chain on it.</summary>
internal sealed class OrleansHybridCacheBuilder(IServiceCollection services) : IHybridCacheBuilder
{
    public IServiceCollection Services { get; } = services;
}
