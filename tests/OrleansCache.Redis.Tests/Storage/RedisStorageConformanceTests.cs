using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCache.Grains.Storage;
using OrleansCache.Redis.Connection;
using OrleansCache.Redis.Diagnostics;
using OrleansCache.Redis.Storage;
using OrleansCache.TestSupport.Conformance;

namespace OrleansCache.Redis.Tests.Storage;

/// <summary>The storage contract against <see cref="RedisCacheEntryStorage"/> on a real redis-server, in real time.</summary>
public sealed class RedisStorageConformanceTests(RedisServer redis) : CacheEntryStorageConformanceTests, IAsyncDisposable
{
    private readonly RedisStorageHarness _harness = new(redis, TimeSpan.FromSeconds(1));

    protected override TimeSpan FenceRetention => _harness.Options.FenceRetention;

    protected override DateTimeOffset Now => DateTimeOffset.UtcNow;

    protected override ICacheEntryStorage Storage => _harness.Storage;

    // Real time passes while the conformance tests poll.
    protected override Task AdvanceAsync(TimeSpan time) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();
}
