using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class StaleFillTests
{
    [Fact]
    public async Task ReadInFlight_WhenAnotherClientChangesTheKey_IsNotInsertedIntoNearCache()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var a = cluster.DefaultClient;
        var b = await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        var key = CacheClusters.Key();
        await a.Cache.SetAsync(key, "old", cancellationToken: TestContext.Current.CancellationToken);

        // Hold B's read after the cluster answered and before the answer may enter B's near-cache.
        var readReturned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Impl().AfterRemoteRead = async k =>
        {
            if (k == key)
            {
                readReturned.TrySetResult();
                await release.Task;
            }
        };
        using var watch = new Watch(b.Cache);

        var read = b.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken).AsTask();
        await readReturned.Task.WaitAsync(Watch.Timeout, TestContext.Current.CancellationToken);
        await a.Cache.SetAsync(key, "new", cancellationToken: TestContext.Current.CancellationToken);
        var changed = await a.Client.GetGrain<ICacheEntryGrain>(key).GetVersionAsync(Guid.Empty);
        // Wait for that change's invalidation: an older one (of the first write) may also arrive, late and harmless.
        await watch.ForAsync(e => e.Target == key && e.Version >= changed);
        release.SetResult();

        Assert.Equal("old", await read);
        Assert.False(b.Near().TryPeek(key, out _), "The overtaken value entered the near-cache.");
        b.Impl().AfterRemoteRead = null;
        Assert.Equal("new", await b.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadThatBeginsAfterItsClientsOwnInvalidation_DoesNotJoinAnOlderReadInFlight()
    {
        // Found by the fault-injection runner (a client's read went back behind its own invalidation): concurrent reads
        // of a key share one remote read, and a read that began after the client's invalidation returned joined one
        // that began before it, and so returned the value the invalidation had removed.
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var b = await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        var key = CacheClusters.Key();
        await cluster.Cache.SetAsync(key, "old", cancellationToken: TestContext.Current.CancellationToken);
        var readReturned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        b.Impl().AfterRemoteRead = async k =>
        {
            // Only the first remote read is held.
            if (k == key && Interlocked.Exchange(ref held, 1) == 0)
            {
                readReturned.TrySetResult();
                await release.Task;
            }
        };

        var first = b.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken).AsTask();
        await readReturned.Task.WaitAsync(Watch.Timeout, TestContext.Current.CancellationToken);
        await b.Cache.InvalidateAsync(key, TestContext.Current.CancellationToken);
        var second = b.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken).AsTask();
        release.SetResult();

        Assert.Equal("old", await first);
        Assert.Null(await second.WaitAsync(Watch.Timeout, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadInFlight_WhenKeyIsInvalidatedByPattern_IsNotInserted()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var b = await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        var key = $"feed:{Guid.NewGuid():N}:1";
        await cluster.Cache.SetAsync(key, "old", cancellationToken: TestContext.Current.CancellationToken);
        var readReturned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Impl().AfterRemoteRead = async _ =>
        {
            readReturned.TrySetResult();
            await release.Task;
        };
        using var watch = new Watch(b.Cache);

        var read = b.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken).AsTask();
        await readReturned.Task.WaitAsync(Watch.Timeout, TestContext.Current.CancellationToken);
        await cluster.Cache.InvalidateByPatternAsync(key[..^1] + "*", TestContext.Current.CancellationToken);
        await watch.ForAsync(e => e.Kind == Client.CacheInvalidationKind.Pattern);
        release.SetResult();

        Assert.Equal("old", await read);
        Assert.False(b.Near().TryPeek(key, out _));
    }
}
