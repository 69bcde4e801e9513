using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace OrleansCache.TestSupport.Peers;

/// <summary>
/// One application instance using FusionCache as teams set it up: memory L1, the Redis distributed cache as L2, and the
/// Redis backplane that evicts other instances' L1 copies (each instance its own Redis connections). Shared by the
/// benchmarks' peer comparisons and the fault runner's <c>--target fusioncache</c>.
/// </summary>
public sealed class FusionCacheNode : IDisposable
{
    private readonly RedisCache? _distributed;
    private readonly IConnectionMultiplexer? _connection;

    private FusionCacheNode(FusionCache cache, RedisCache? distributed, IConnectionMultiplexer? connection)
    {
        Cache = cache;
        _distributed = distributed;
        _connection = connection;
    }

    public FusionCache Cache { get; }

    /// <summary>An instance with L1 only (for the hit path and memory figures).</summary>
    public static FusionCacheNode MemoryOnly() => new(new FusionCache(Options("bench-l1")), null, null);

    /// <summary>
    /// An instance with L1, Redis L2 and the Redis backplane, each of which connects by itself (as with connection
    /// strings in configuration); instances with the same <paramref name="name"/> hear each other.
    /// </summary>
    public static FusionCacheNode WithRedis(string redisConnection, string name) =>
        Build(name, new RedisCacheOptions { Configuration = redisConnection, InstanceName = name + ":" }, new RedisBackplaneOptions { Configuration = redisConnection }, null);

    /// <summary>
    /// An instance like <see cref="WithRedis"/> whose L2 and backplane share one connection multiplexer of its own,
    /// which <see cref="Dispose"/> closes: what a process that ends takes with it.
    /// </summary>
    public static async Task<FusionCacheNode> WithOwnConnectionAsync(string redisConnection, string name, CancellationToken cancellationToken = default)
    {
        var configuration = ConfigurationOptions.Parse(redisConnection);
        // The instance starts even while Redis is unreachable (a replacement during an outage), as an application would.
        configuration.AbortOnConnectFail = false;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Build(
                name,
                new RedisCacheOptions { InstanceName = name + ":", ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(connection) },
                new RedisBackplaneOptions { ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(connection) },
                connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static List<FusionCacheNode> ManyWithRedis(string redisConnection, string name, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => WithRedis(redisConnection, name))];

    public void Dispose()
    {
        Cache.Dispose();
        _distributed?.Dispose();
        _connection?.Dispose();
    }

    private static FusionCacheNode Build(string name, RedisCacheOptions distributedOptions, RedisBackplaneOptions backplaneOptions, IConnectionMultiplexer? connection)
    {
        var cache = new FusionCache(Options(name));
        var distributed = new RedisCache(Microsoft.Extensions.Options.Options.Create(distributedOptions));
        cache.SetupDistributedCache(distributed, new FusionCacheSystemTextJsonSerializer());
        cache.SetupBackplane(new RedisBackplane(Microsoft.Extensions.Options.Options.Create(backplaneOptions)));
        return new FusionCacheNode(cache, distributed, connection);
    }

    private static FusionCacheOptions Options(string name) => new()
    {
        CacheName = name,
        DefaultEntryOptions = new FusionCacheEntryOptions { Duration = TimeSpan.FromMinutes(30) },
    };
}
