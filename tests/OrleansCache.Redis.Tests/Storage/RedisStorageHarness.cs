using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using OrleansCache.Redis.Connection;
using OrleansCache.Redis.Diagnostics;
using OrleansCache.Redis.Storage;
using static Microsoft.Extensions.Options.Options;

namespace OrleansCache.Redis.Tests.Storage;

/// <summary>A <see cref="RedisCacheEntryStorage"/> of its own (own key prefix, own connection) on the tests' redis-server.</summary>
internal sealed class RedisStorageHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public RedisStorageHarness(RedisServer redis, TimeSpan fenceRetention, Action<RedisCacheOptions>? configure = null)
    {
        Options = new RedisCacheOptions
        {
            ConnectionString = redis.ConnectionString,
            KeyPrefix = $"test:{Guid.NewGuid():N}:",
            FenceRetention = fenceRetention,
        };
        configure?.Invoke(Options);
        Connection = new RedisConnection(Create(Options), Create(new ClusterOptions { ServiceId = "tests" }), TimeProvider.System, NullLogger<RedisConnection>.Instance);
        Storage = new RedisCacheEntryStorage(Connection, Create(Options), new RedisMetrics(_services.GetRequiredService<IMeterFactory>()), NullLogger<RedisCacheEntryStorage>.Instance);
        Keys = new RedisStorageKeys(Options.KeyPrefix);
    }

    public RedisCacheOptions Options { get; }

    public RedisConnection Connection { get; }

    public RedisCacheEntryStorage Storage { get; }

    public RedisStorageKeys Keys { get; }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await _services.DisposeAsync();
    }
}
