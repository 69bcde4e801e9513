using System.Diagnostics;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class FailoverTests
{
    [Fact]
    public async Task OwnerKilled_ClientsStopServingItsKeysWithinDetectionBound_NewValueReachesEveryone()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var owner = cluster.Silos[0];
        var key = cluster.KeyOwnedBy<ICacheEntryGrain>(owner, "user");
        var survivors = cluster.Silos.Where(s => s != owner).ToList();
        var a = await cluster.CreateCacheClientAsync(gateway: survivors[0], cancellationToken: TestContext.Current.CancellationToken);
        var b = await cluster.CreateCacheClientAsync(gateway: survivors[1], cancellationToken: TestContext.Current.CancellationToken);
        await a.SetAsync(key, "before", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("before", await b.GetAsync<string>(key, TestContext.Current.CancellationToken));
        var versionBefore = await a.Cluster.GetGrain<ICacheEntryGrain>(key).GetVersionAsync();
        var revalidatedA = a.NextRevalidationAsync();
        var revalidatedB = b.NextRevalidationAsync();

        var clock = Stopwatch.StartNew();
        await cluster.KillSiloAsync(owner, TestContext.Current.CancellationToken);
        await Task.WhenAll(revalidatedA, revalidatedB);
        clock.Stop();

        // In-memory storage died with its silo: the new owner has no value, at a later version, so copies are dropped.
        var bound = cluster.Options.DeathTimeout + cluster.Options.ProbeInterval + TimeSpan.FromSeconds(3);
        Assert.True(clock.Elapsed < bound, $"Clients dropped the dead owner's keys after {clock.Elapsed}, beyond {bound}.");
        Assert.False(a.Serves(key));
        Assert.False(b.Serves(key));

        await a.SetAsync(key, "after", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("after", await b.GetAsync<string>(key, TestContext.Current.CancellationToken));
        Assert.True(await a.Cluster.GetGrain<ICacheEntryGrain>(key).GetVersionAsync() > versionBefore);
    }

    [Fact]
    public async Task ClientCutOffWhileKeysChanged_AfterReconnect_DropsChangedKeepsUnchanged()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var writer = cluster.Cache;
        var reader = await cluster.CreateCacheClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        var keys = Enumerable.Range(0, 10).Select(i => CacheClusters.Key($"item{i}")).ToList();
        foreach (var key in keys)
        {
            await writer.SetAsync(key, "v1", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("v1", await reader.GetAsync<string>(key, TestContext.Current.CancellationToken));
        }

        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var revalidated = reader.NextRevalidationAsync();
        reader.Connection().DisconnectUntil(resume.Task);
        foreach (var key in keys.Take(5))
        {
            await writer.SetAsync(key, "v2", cancellationToken: TestContext.Current.CancellationToken);
        }

        // Cut off, the reader must not vouch for anything it holds.
        Assert.All(keys, k => Assert.False(reader.Serves(k)));
        resume.SetResult();
        var (kept, dropped) = await revalidated;

        Assert.Equal(5, kept);
        Assert.Equal(5, dropped);
        Assert.All(keys.Skip(5), k => Assert.True(reader.Serves(k), $"{k} did not change and should have been kept."));
        Assert.All(keys.Take(5), k => Assert.False(reader.Near().TryPeek(k, out _)));
        foreach (var key in keys.Take(5))
        {
            Assert.Equal("v2", await reader.GetAsync<string>(key, TestContext.Current.CancellationToken));
        }

        // Kept entries are tracked by the new gateway: a later change still reaches the reader.
        using var watch = new Watch(reader);
        await writer.SetAsync(keys[9], "v3", cancellationToken: TestContext.Current.CancellationToken);
        await watch.ForAsync(e => e.Target == keys[9] && e.Dropped == 1);
        Assert.Equal("v3", await reader.GetAsync<string>(keys[9], TestContext.Current.CancellationToken));
    }
}
