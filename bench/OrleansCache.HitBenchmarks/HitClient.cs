using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansCache.Client;
using OrleansCache.Client.Caching;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.HitBenchmarks;

/// <summary>
/// A cache client built as applications build one (<c>AddOrleansCacheClient</c> in a host of its own), never connected:
/// its near-cache is filled through the near-cache's fill path (what a remote read does with the grain's answer), so
/// its <see cref="IOrleansCache.GetAsync{T}"/> serves every key from the near-cache without a cluster.
/// </summary>
internal sealed class HitClient : IDisposable
{
    private readonly IHost _host;

    private HitClient(IHost host, IOrleansCache cache)
    {
        _host = host;
        Cache = cache;
    }

    public IOrleansCache Cache { get; }

    /// <summary>A client whose near-cache holds <paramref name="keys"/>, each with <paramref name="value"/>, read once (so each hit returns the deserialized value, as in an application).</summary>
    public static HitClient Filled(IReadOnlyList<string> keys, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansCacheClient(o => o.NearCache.MaxEntries = Math.Max(keys.Count * 2, 1_000));
        var host = builder.Build();
        var cache = host.Services.GetRequiredService<IOrleansCache>();
        var near = ((CacheClient)cache).NearCache;
        var bytes = host.Services.GetRequiredService<ICacheSerializer>().Serialize(value);
        var version = new CacheVersion(1, 1, 1);
        foreach (var key in keys)
        {
            near.CompleteFill(near.BeginFill(key), new CacheEntry(bytes, version, null, []));
        }

        var client = new HitClient(host, cache);
        foreach (var key in keys)
        {
            var read = cache.GetAsync<string>(key, CancellationToken.None);
            if (!read.IsCompletedSuccessfully || read.Result != value)
            {
                throw new InvalidOperationException($"The filled near-cache did not serve '{key}': the benchmark would not measure hits.");
            }
        }

        return client;
    }

    public void Dispose() => _host.Dispose();
}
