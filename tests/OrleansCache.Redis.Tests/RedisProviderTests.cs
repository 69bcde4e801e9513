using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansCache.TestSupport.Conformance;
using OrleansCache.Core.Membership;
using OrleansCache.Grains.Storage;
using OrleansCache.Redis.Connection;
using OrleansCache.Redis.Membership;
using OrleansCache.Redis.Storage;
using OrleansCache.Runtime;
using Xunit;

namespace OrleansCache.Redis.Tests;

public sealed class RedisMembershipTableTests(RedisServer redis) : MembershipTableConformanceTests
{
    protected override Task<IMembershipTable> CreateTableAsync() =>
        Task.FromResult<IMembershipTable>(new RedisMembershipTable(Connections.Create(redis)));
}

public sealed class RedisCacheEntryStorageTests(RedisServer redis) : CacheEntryStorageConformanceTests
{
    [Fact]
    public async Task LateWriteOfAnActivationThatKnewTheEntryBeforeItWasRewrittenAndDeleted_IsRefused()
    {
        // Found by the fault-injection soak (docs/reliability.md): a silo cut off by a partition timed out a write, and
        // TCP delivered it when the link healed, after the key's new owner had written the key and deleted it. The key
        // being absent, the write went in, and storage went back to an older version, which the next activation served.
        var storage = await GetStorageAsync();
        var key = $"late:{Guid.NewGuid():N}";
        var token = TestContext.Current.CancellationToken;
        var stale = await storage.WriteAsync(key, Entry("old", 1), null, token);
        var newer = await storage.WriteAsync(key, Entry("new", 2), stale, token);
        await storage.DeleteAsync(key, newer, token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.WriteAsync(key, Entry("late", 1), stale, token));
        Assert.Null(await storage.ReadAsync(key, token));

        // Whoever read the key as missing (the new owner) still writes it; so does a writer whose entry expired.
        var fresh = await storage.WriteAsync(key, Entry("fresh", 3), null, token);
        Assert.Equal("fresh", System.Text.Encoding.UTF8.GetString((await storage.ReadAsync(key, token))!.Value));
        Assert.NotNull(fresh);
    }

    protected override Task<ICacheEntryStorage> GetStorageAsync() =>
        Task.FromResult<ICacheEntryStorage>(new RedisCacheEntryStorage(Connections.Create(redis)));

    private static StoredCacheEntry Entry(string value, long change) =>
        new(System.Text.Encoding.UTF8.GetBytes(value), new Grains.Interfaces.CacheVersion(1, 1, change), null, []);
}

internal static class Connections
{
    /// <summary>A connection with a key prefix of its own (or the one given), so each test has an empty table and store.</summary>
    public static RedisConnection Create(RedisServer redis, string? prefix = null) => new(
        Options.Create(new RedisOptions { ConnectionString = redis.ConnectionString, KeyPrefix = prefix ?? RedisServer.UniquePrefix() }),
        Options.Create(new SiloOptions()),
        NullLogger<RedisConnection>.Instance);
}
