using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Redis.Storage;
using OrleansCache.Runtime;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests;

/// <summary>What only the Redis storage promises, beyond the shared storage contract.</summary>
public sealed class RedisSpecificTests(RedisServer redis)
{
    private static readonly ActivationEpoch Epoch = new(1, 1);

    [Fact]
    public async Task StoredEntry_CarriesItsTtlIntoRedis_AndRedisExpiresIt()
    {
        var prefix = RedisServer.UniquePrefix();
        var storage = new RedisCacheEntryStorage(Connections.Create(redis, prefix));
        using var direct = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);
        var db = direct.GetDatabase();

        await storage.WriteAsync("long", new StoredCacheEntry([1], new CacheVersion(1, 1, 1), DateTimeOffset.UtcNow.AddHours(1), []), null, Epoch, TestContext.Current.CancellationToken);
        await storage.WriteAsync("forever", new StoredCacheEntry([1], new CacheVersion(1, 1, 1), null, []), null, Epoch, TestContext.Current.CancellationToken);
        await storage.WriteAsync("past", new StoredCacheEntry([1], new CacheVersion(1, 1, 1), DateTimeOffset.UtcNow.AddSeconds(-1), []), null, Epoch, TestContext.Current.CancellationToken);

        var ttl = await db.KeyTimeToLiveAsync(prefix + "entry:long");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Null(await db.KeyTimeToLiveAsync(prefix + "entry:forever"));
        Assert.False(await db.KeyExistsAsync(prefix + "entry:past"));
        Assert.Null(await storage.ReadAsync("past", Epoch, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Fences_AreKeptForTenMinutesAfterTheirLastUse_NotForever()
    {
        // One fence per key read or changed: bounded by how many keys were used lately, not by how many ever were.
        var prefix = RedisServer.UniquePrefix();
        var storage = new RedisCacheEntryStorage(Connections.Create(redis, prefix));
        using var direct = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);
        var db = direct.GetDatabase();

        await storage.ReadAsync("read", Epoch, TestContext.Current.CancellationToken);
        var etag = await storage.WriteAsync("deleted", new StoredCacheEntry([1], new CacheVersion(1, 1, 1), null, []), null, Epoch, TestContext.Current.CancellationToken);
        await storage.DeleteAsync("deleted", etag, Epoch, TestContext.Current.CancellationToken);

        foreach (var key in new[] { "read", "deleted" })
        {
            Assert.Equal("1.1", (string?)await db.StringGetAsync(prefix + "fence:" + key));
            var ttl = await db.KeyTimeToLiveAsync(prefix + "fence:" + key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        }
    }
}
