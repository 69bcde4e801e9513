using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Redis.Storage;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests;

/// <summary>What only the Redis storage promises, beyond the shared storage contract.</summary>
public sealed class RedisSpecificTests(RedisServer redis)
{
    [Fact]
    public async Task StoredEntry_CarriesItsTtlIntoRedis_AndRedisExpiresIt()
    {
        var prefix = RedisServer.UniquePrefix();
        var storage = new RedisCacheEntryStorage(Connections.Create(redis, prefix));
        using var direct = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);
        var db = direct.GetDatabase();

        await storage.WriteAsync("long", new StoredCacheEntry([1], new CacheVersion(1, 1, 1), DateTimeOffset.UtcNow.AddHours(1), []), null, TestContext.Current.CancellationToken);
        await storage.WriteAsync("forever", new StoredCacheEntry([1], new CacheVersion(1, 1, 1), null, []), null, TestContext.Current.CancellationToken);
        await storage.WriteAsync("past", new StoredCacheEntry([1], new CacheVersion(1, 1, 1), DateTimeOffset.UtcNow.AddSeconds(-1), []), null, TestContext.Current.CancellationToken);

        var ttl = await db.KeyTimeToLiveAsync(prefix + "entry:long");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Null(await db.KeyTimeToLiveAsync(prefix + "entry:forever"));
        Assert.False(await db.KeyExistsAsync(prefix + "entry:past"));
        Assert.Null(await storage.ReadAsync("past", TestContext.Current.CancellationToken));
    }
}
