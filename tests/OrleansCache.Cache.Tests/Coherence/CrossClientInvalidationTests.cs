using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class CrossClientInvalidationTests
{
    public sealed record User(string Name, int Revision);

    [Fact]
    public async Task SetByA_DropsBsNearCopy_BReadsNewValue_AndNeverTheOldAgain()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var (a, b) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken));
        var key = CacheClusters.Key();
        await a.Cache.SetAsync(key, new User("Ada", 1), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, (await b.Cache.GetAsync<User>(key, TestContext.Current.CancellationToken))!.Revision);
        Assert.True(b.Serves(key));
        using var watch = new Watch(b.Cache);

        await a.Cache.SetAsync(key, new User("Ada", 2), cancellationToken: TestContext.Current.CancellationToken);
        var dropped = await watch.ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped == 1);

        Assert.False(b.Serves(key));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(2, (await b.Cache.GetAsync<User>(key, TestContext.Current.CancellationToken))!.Revision);
        }

        Assert.True(b.Serves(key));
        Assert.Equal(key, dropped.Target);
    }

    [Fact]
    public async Task Writer_ReadsItsOwnWrite_FromNearCacheAtOnce()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var key = CacheClusters.Key();

        await cluster.Cache.SetAsync(key, new User("Grace", 7), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(cluster.DefaultClient.Serves(key));
        Assert.Equal(7, (await cluster.Cache.GetAsync<User>(key, TestContext.Current.CancellationToken))!.Revision);
    }

    [Fact]
    public async Task Remove_DropsEveryClientsCopy_AndReadsThenMiss()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var clients = await CacheClusters.ClientsAsync(cluster, 3);
        var key = CacheClusters.Key();
        await clients[0].Cache.SetAsync(key, "v1", cancellationToken: TestContext.Current.CancellationToken);
        foreach (var client in clients)
        {
            Assert.Equal("v1", await client.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
        }

        var watches = clients.Skip(1).Select(c => new Watch(c.Cache)).ToList();
        await clients[0].Cache.RemoveAsync(key, TestContext.Current.CancellationToken);
        await Task.WhenAll(watches.Select(w => w.ForKeyAsync(key)));

        foreach (var client in clients)
        {
            Assert.False(client.Serves(key));
            Assert.False((await client.Cache.TryGetAsync<string>(key, TestContext.Current.CancellationToken)).Found);
        }

        watches.ForEach(w => w.Dispose());
    }
}
