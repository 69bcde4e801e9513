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
    // Real time: the retention must outlast a loaded machine's gaps between a test's steps. With 1 s, the owner's delete
    // of its just-expired entry came after its fence had expired and its claim was older than the retention (a CI run
    // under load), which the floor rightly refuses; 5 s keeps the test about the expiry, at 5 s for the floor's own test.
    private readonly RedisStorageHarness _harness = new(redis, TimeSpan.FromSeconds(5));

    protected override TimeSpan FenceRetention => _harness.Options.FenceRetention;

    protected override DateTimeOffset Now => DateTimeOffset.UtcNow;

    protected override ICacheEntryStorage Storage => _harness.Storage;

    // Real time passes while the conformance tests poll.
    protected override Task AdvanceAsync(TimeSpan time) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();
}
