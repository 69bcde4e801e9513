using System.Text.Json;
using OrleansCache.Client;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>
/// The bridge's interop, end to end: foreign clients (redis-cli, Python with python3-redis, Node with ioredis) change
/// things in Redis, and every cache client of a cluster of silo processes started with the README's flags drops its
/// copy; invalidations made in .NET come out to a Python subscriber.
/// </summary>
public sealed class ReadmeBridgeInteropTests(ReadmeBridgeCluster bridge) : IClassFixture<ReadmeBridgeCluster>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private IReadOnlyList<CacheClientHost> Clients => bridge.Clients;

    [Fact]
    public async Task RedisCliPublish_CanonicalDelete_DropsTheKeyFromEveryClient()
    {
        var id = Guid.NewGuid().ToString("N");
        var key = $"user:{id}";
        await Holding.HoldAsync(Clients, Token, key);
        using var drops = new Watches(Clients.Select(c => InvalidationWatch.Dropped(c.Cache, key)));

        var receivers = await Interop.RunAsync("redis-cli", "-p", bridge.Port, "PUBLISH", ReadmeBridgeCluster.CanonicalChannel, $$"""{"entity_type":"User","entity_id":"{{id}}","action":"delete","source":"billing","message_id":"m-1"}""");

        Assert.Equal("3", receivers.Trim());
        await drops.AllSeenAsync();
        await AllReadAsync(key, null);
    }

    [Fact]
    public async Task NodeIoredis_TypedItemEvent_DropsThatItemFromEveryClient_AndTypedAllDropsOnlyTheChannelsPrefix()
    {
        var id = Guid.NewGuid().ToString("N");
        var item = $"{ReadmeBridgeCluster.TypedPrefix}{id}-42";
        var sibling = $"{ReadmeBridgeCluster.TypedPrefix}{id}-43";
        var unrelated = $"other:{id}";
        await Holding.HoldAsync(Clients, Token, item, sibling, unrelated);
        using (var drops = new Watches(Clients.Select(c => InvalidationWatch.Dropped(c.Cache, item))))
        {
            var published = await Interop.RunAsync("node", Interop.Script("publish_typed.js"), bridge.Port, ReadmeBridgeCluster.TypedChannel, $$"""{"type":"item","itemId":"{{id}}-42"}""");

            Assert.Contains("published to 3", published, StringComparison.Ordinal);
            await drops.AllSeenAsync();
        }

        Assert.All(Clients, c => Assert.True(c.Serves(sibling), "An item event dropped another item."));
        var prefix = $"{ReadmeBridgeCluster.TypedPrefix}*";
        using (var patterns = new Watches(Clients.Select(c => InvalidationWatch.Of(c.Cache, CacheInvalidationKind.Pattern, prefix))))
        {
            await Interop.RunAsync("node", Interop.Script("publish_typed.js"), bridge.Port, ReadmeBridgeCluster.TypedChannel, """{"type":"all"}""");
            await patterns.AllSeenAsync();
        }

        Assert.All(Clients, c => Assert.False(c.Serves(sibling), "A typed 'all' left an item of its prefix."));
        Assert.All(Clients, c => Assert.True(c.Serves(unrelated), "A typed 'all' dropped a key outside its prefix."));
    }

    [Fact]
    public async Task RedisCliSet_ThenPythonPlainDel_KeyspaceNotificationsDropTheKeyFromEveryClient()
    {
        var key = $"{ReadmeBridgeCluster.KeyspacePrefix}{Guid.NewGuid():N}";
        await Holding.HoldAsync(Clients, Token, key);
        using (var drops = new Watches(Clients.Select(c => InvalidationWatch.Dropped(c.Cache, key))))
        {
            await Interop.RunAsync("redis-cli", "-p", bridge.Port, "SET", key, "a copy another service keeps");
            await drops.AllSeenAsync();
        }

        await Holding.HoldAsync(Clients, Token, key);
        using (var drops = new Watches(Clients.Select(c => InvalidationWatch.Dropped(c.Cache, key))))
        {
            var output = await Interop.RunAsync(Interop.Python, Interop.Script("delete_keys.py"), bridge.Port, key);

            Assert.Contains("deleted 1", output, StringComparison.Ordinal);
            await drops.AllSeenAsync();
        }
    }

    [Fact]
    public async Task PythonScanAndDel_KeyspaceNotificationsDropEveryDeletedKeyFromEveryClient()
    {
        var id = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 5).Select(i => $"{ReadmeBridgeCluster.KeyspacePrefix}{id}:{i}").ToArray();
        await Holding.HoldAsync(Clients, Token, keys);
        using (var sets = new Watches(keys.SelectMany(k => Clients.Select(c => InvalidationWatch.Dropped(c.Cache, k)))))
        {
            foreach (var key in keys)
            {
                await bridge.Database.StringSetAsync(key, "a copy another service keeps");
            }

            await sets.AllSeenAsync();
        }

        await Holding.HoldAsync(Clients, Token, keys);
        using var drops = new Watches(keys.SelectMany(k => Clients.Select(c => InvalidationWatch.Dropped(c.Cache, k))));

        var output = await Interop.RunAsync(Interop.Python, Interop.Script("scan_delete.py"), bridge.Port, $"{ReadmeBridgeCluster.KeyspacePrefix}{id}:*");

        Assert.Contains($"deleted {keys.Length}", output, StringComparison.Ordinal);
        await drops.AllSeenAsync();
    }

    [Fact]
    public async Task RedisCliXadd_DurableStreamEntry_DropsTheKeyFromEveryClient_AndIsAcknowledged()
    {
        var id = Guid.NewGuid().ToString("N");
        var key = $"order:{id}";
        await Holding.HoldAsync(Clients, Token, key);
        using var drops = new Watches(Clients.Select(c => InvalidationWatch.Dropped(c.Cache, key)));

        await Interop.RunAsync("redis-cli", "-p", bridge.Port, "XADD", ReadmeBridgeCluster.StreamKey, "*", "payload", $$"""{"action":"invalidate","entity_type":"Order","entity_id":"{{id}}"}""");

        await drops.AllSeenAsync();
        await Eventually.TrueAsync(
            async () => (await bridge.Database.StreamPendingAsync(ReadmeBridgeCluster.StreamKey, ReadmeBridgeCluster.ConsumerGroup)).PendingMessageCount == 0,
            "the entry to be acknowledged",
            SiloProcessCluster.Timeout,
            Token);
    }

    [Fact]
    public async Task PythonSubscriber_ReceivesCanonicalJsonOnTheOutboundChannel_ForInvalidationsMadeInDotNet()
    {
        var id = Guid.NewGuid().ToString("N");
        using var subscriber = Interop.Start(Interop.Python, Interop.Script("subscribe_outbound.py"), bridge.Port, ReadmeBridgeCluster.OutboundChannel, "1000");
        try
        {
            Assert.Equal("ready", await subscriber.StandardOutput.ReadLineAsync(Token).AsTask().WaitAsync(Interop.Timeout, Token));

            await Clients[1].Cache.InvalidateAsync($"user:{id}", Token);
            await Clients[2].Cache.InvalidateByPatternAsync($"feed:{id}:*", Token);

            // Other invalidations may come out too (the channel is the cluster's): read until both of ours did.
            JsonElement? key = null;
            JsonElement? pattern = null;
            while (key is null || pattern is null)
            {
                var line = await subscriber.StandardOutput.ReadLineAsync(Token).AsTask().WaitAsync(Interop.Timeout, Token)
                    ?? throw new InvalidOperationException("The subscriber ended before both messages came.");
                var message = JsonDocument.Parse(line).RootElement;
                key ??= message.TryGetProperty("entity_id", out var entity) && entity.GetString() == id ? message : null;
                pattern ??= message.TryGetProperty("pattern", out var glob) && glob.GetString() == $"feed:{id}:*" ? message : null;
            }

            Assert.Equal("invalidate", key.Value.GetProperty("action").GetString());
            Assert.Equal("user", key.Value.GetProperty("entity_type").GetString());
            Assert.Equal("orleanscache:orleans-cache", key.Value.GetProperty("source").GetString());
            Assert.Equal("pattern", pattern.Value.GetProperty("action").GetString());
        }
        finally
        {
            if (!subscriber.HasExited)
            {
                subscriber.Kill();
            }
        }
    }

    [Fact]
    public void SilosStartedWithTheReadmesFlags_ConnectAsItsAclUser_AndNeverLogItsPassword()
    {
        Assert.SkipWhen(ReadmeBridgeFlags.ValueOrNull("Redis:User") is null, "The README's flags name no Redis ACL user.");
        var password = ReadmeBridgeFlags.Value("Redis:Password");
        var user = ReadmeBridgeFlags.Value("Redis:User");

        Assert.All(bridge.Cluster.Silos, s => Assert.Contains(s.Process.Output, l => l.Contains($"user={user}", StringComparison.Ordinal)));
        Assert.All(bridge.Cluster.Silos, s => Assert.DoesNotContain(s.Process.Output, l => l.Contains(password, StringComparison.Ordinal)));
    }

    private async Task AllReadAsync(string key, string? expected)
    {
        foreach (var client in Clients)
        {
            Assert.Equal(expected, await client.Cache.GetAsync<string>(key, Token));
        }
    }
}
