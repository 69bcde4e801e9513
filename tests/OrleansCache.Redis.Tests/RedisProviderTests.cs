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

public sealed class RedisCacheEntryStorageTests(RedisServer redis) : FencedCacheEntryStorageConformanceTests
{
    protected override Task<ICacheEntryStorage> GetStorageAsync() =>
        Task.FromResult<ICacheEntryStorage>(new RedisCacheEntryStorage(Connections.Create(redis)));
}

internal static class Connections
{
    /// <summary>A connection with a key prefix of its own (or the one given), so each test has an empty table and store.</summary>
    public static RedisConnection Create(RedisServer redis, string? prefix = null) => new(
        Options.Create(new RedisOptions { ConnectionString = redis.ConnectionString, KeyPrefix = prefix ?? RedisServer.UniquePrefix() }),
        Options.Create(new SiloOptions()),
        NullLogger<RedisConnection>.Instance);
}
