using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Metrics;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests;

public sealed class BridgeTests(RedisServer redis)
{
    [Fact]
    public async Task RedisCliPublish_CanonicalJson_DropsTheKeyFromEveryClient()
    {
        var setup = new Setup();
        await using var cluster = await StartAsync(redis, setup);
        var clients = await ClientsHoldingAsync(cluster, 3, $"user:{setup.Id}");
        var watches = clients.Select(c => new KeyWatch(c, $"user:{setup.Id}")).ToList();

        await Interop.RunAsync("redis-cli", "-p", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "PUBLISH", setup.Channel, $$"""{"entity_type":"User","entity_id":"{{setup.Id}}","action":"delete","source":"billing","message_id":"m-1"}""");

        await Task.WhenAll(watches.Select(w => w.Dropped));
    }

    [Fact]
    public async Task NodeIoredis_TypedEvents_DropPrefixedKeys_AndAllDropsOnlyThatPrefix()
    {
        var setup = new Setup();
        await using var cluster = await StartAsync(redis, setup);
        var item = $"{setup.TypedPrefix}42";
        var sibling = $"{setup.TypedPrefix}43";
        var unrelated = $"user:{setup.Id}";
        var clients = await ClientsHoldingAsync(cluster, 2, item, sibling, unrelated);
        var itemWatches = clients.Select(c => new KeyWatch(c, item)).ToList();

        await Interop.RunAsync("node", Interop.Script("publish_typed.js"), Port(), setup.TypedChannel, """{"type":"item","itemId":"42"}""");
        await Task.WhenAll(itemWatches.Select(w => w.Dropped));
        Assert.All(clients, c => Assert.True(Serves(c, sibling)));

        var patternWatches = clients.Select(c => new PatternWatch(c)).ToList();
        await Interop.RunAsync("node", Interop.Script("publish_typed.js"), Port(), setup.TypedChannel, """{"type":"all"}""");
        await Task.WhenAll(patternWatches.Select(w => w.Seen));
        Assert.All(clients, c => Assert.False(Serves(c, sibling)));
        Assert.All(clients, c => Assert.True(Serves(c, unrelated)));
    }

    [Fact]
    public async Task PythonPlainDel_KeyspaceNotification_DropsTheKeyFromEveryClient()
    {
        var setup = new Setup();
        await using var cluster = await StartAsync(redis, setup);
        var key = $"{setup.KeyspacePrefix}7";
        var clients = await ClientsHoldingAsync(cluster, 2, key);
        var watches = clients.Select(c => new KeyWatch(c, key)).ToList();
        await Interop.RunAsync("redis-cli", "-p", Port(), "SET", key, "l2-copy");
        await Task.WhenAll(watches.Select(w => w.Dropped));
        await HoldAsync(cluster, clients, key);
        watches = [.. clients.Select(c => new KeyWatch(c, key))];

        var output = await Interop.RunAsync(Interop.Python, Interop.Script("delete_keys.py"), Port(), key);

        Assert.Contains("deleted 1", output, StringComparison.Ordinal);
        await Task.WhenAll(watches.Select(w => w.Dropped));
    }

    [Fact]
    public async Task EachMessage_IsAppliedOnce_NotOncePerSilo()
    {
        var setup = new Setup();
        await using var cluster = await StartAsync(redis, setup);
        var key = $"user:{setup.Id}";
        var grain = cluster.Client.GetGrain<ICacheEntryGrain>(key);
        await grain.SetAsync([1], CacheWriteOptions.Default);
        var before = await grain.GetVersionAsync();
        // One barrier key per silo: each silo handles its messages in order, so once every barrier is applied,
        // every silo has handled the five messages before it.
        var barriers = cluster.Silos.Select(s => cluster.KeyOwnedBy<ICacheEntryGrain>(s, "barrier")).ToList();
        var reader = cluster.Cache;
        await HoldAsync(cluster, [reader], [.. barriers]);
        var barrierWatches = barriers.Select(b => new KeyWatch(reader, b)).ToList();
        using var publisher = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);

        for (var i = 0; i < 5; i++)
        {
            await publisher.GetSubscriber().PublishAsync(setup.Channel, $$"""{"action":"batch","entity_ids":["{{key}}"],"message_id":"{{i}}"}""");
        }

        foreach (var barrier in barriers)
        {
            await publisher.GetSubscriber().PublishAsync(setup.Channel, $$"""{"action":"batch","entity_ids":["{{barrier}}"]}""");
        }

        await Task.WhenAll(barrierWatches.Select(w => w.Dropped));
        var after = await grain.GetVersionAsync();
        Assert.Equal(before with { Change = before.Change + 5 }, after);
    }

    [Fact]
    public async Task OutboundSubscriberInPython_ReceivesCanonicalJson_ForInvalidationsMadeInDotNet()
    {
        var setup = new Setup();
        await using var cluster = await StartAsync(redis, setup);
        using var subscriber = Interop.Start(Interop.Python, Interop.Script("subscribe_outbound.py"), Port(), setup.OutboundChannel, "2");
        Assert.Equal("ready", await subscriber.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Interop.Timeout, TestContext.Current.CancellationToken));

        await cluster.Cache.InvalidateAsync($"user:{setup.Id}", TestContext.Current.CancellationToken);
        await cluster.Cache.InvalidateByPatternAsync($"feed:{setup.Id}:*", TestContext.Current.CancellationToken);

        using var key = JsonDocument.Parse((await subscriber.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Interop.Timeout, TestContext.Current.CancellationToken))!);
        using var pattern = JsonDocument.Parse((await subscriber.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Interop.Timeout, TestContext.Current.CancellationToken))!);
        Assert.Equal("invalidate", key.RootElement.GetProperty("action").GetString());
        Assert.Equal("user", key.RootElement.GetProperty("entity_type").GetString());
        Assert.Equal(setup.Id, key.RootElement.GetProperty("entity_id").GetString());
        Assert.Equal($"orleanscache:{cluster.Options.ClusterId}", key.RootElement.GetProperty("source").GetString());
        Assert.Equal("pattern", pattern.RootElement.GetProperty("action").GetString());
        Assert.Equal($"feed:{setup.Id}:*", pattern.RootElement.GetProperty("pattern").GetString());
        await subscriber.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Interop.Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task DeleteL2Keys_RemovesTheRedisKeyOfTheSameName_OnEveryKeyInvalidation()
    {
        var setup = new Setup { DeleteL2Keys = true };
        await using var cluster = await StartAsync(redis, setup);
        var key = $"product:{setup.Id}";
        using var direct = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);
        var db = direct.GetDatabase();
        await db.StringSetAsync(key, "l2 copy");
        var deleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await direct.GetSubscriber().SubscribeAsync($"__keyspace@0__:{key}", (_, e) =>
        {
            if (e == "del")
            {
                deleted.TrySetResult();
            }
        });

        await cluster.Cache.InvalidateAsync(key, TestContext.Current.CancellationToken);

        await deleted.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.False(await db.KeyExistsAsync(key));
    }

    [Fact]
    public async Task OwnOutboundMessages_OnAnInboundChannel_AreIgnored_NoLoop()
    {
        var setup = new Setup { SharedOutbound = true };
        using var counts = new MetricTotals("OrleansCache.Redis", "reason");
        await using var cluster = await StartAsync(redis, setup);
        var key = $"user:{setup.Id}";
        var clients = await ClientsHoldingAsync(cluster, 1, key);
        var watch = new KeyWatch(clients[0], key);

        await cluster.Cache.InvalidateAsync(key, TestContext.Current.CancellationToken);
        await watch.Dropped;
        await counts.WhenAsync("orleanscache.bridge.messages.ignored", 3);

        Assert.Equal(0, counts.Get("orleanscache.bridge.messages.accepted"));
    }

    [Fact]
    public async Task TenThousandMalformedMessages_OnEveryPath_AreCountedByReason_AndValidOnesInBetweenAllApply()
    {
        var setup = new Setup();
        using var counts = new MetricTotals("OrleansCache.Redis", "reason");
        await using var cluster = await StartAsync(redis, setup);
        var valid = Enumerable.Range(0, 60).Select(i => $"user:{setup.Id}-{i}").ToList();
        await HoldAsync(cluster, [cluster.Cache], [.. valid]);
        var watches = valid.Select(k => new KeyWatch(cluster.Cache, k)).ToList();
        using var publisher = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);
        var bus = publisher.GetSubscriber();
        var random = new Random(42);
        var bad = MalformedMessages(random, setup).ToList();

        var sent = new List<Task>();
        for (var i = 0; i < bad.Count; i++)
        {
            var (channel, payload) = bad[i];
            sent.Add(bus.PublishAsync(channel, payload));
            if (i % (bad.Count / valid.Count) == 0 && i / (bad.Count / valid.Count) < valid.Count)
            {
                var key = valid[i / (bad.Count / valid.Count)];
                sent.Add(bus.PublishAsync(setup.Channel, $$"""{"action":"batch","entity_ids":["{{key}}"]}"""));
            }
        }

        await Task.WhenAll(sent).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        await Task.WhenAll(watches.Select(w => w.Dropped)).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        // Three silos each see every message, so each rejection is counted three times.
        await counts.WhenAsync("orleanscache.bridge.messages.rejected", 3L * bad.Count);
        TestContext.Current.SendDiagnosticMessage($"{bad.Count} malformed messages; rejected by reason: {counts.DescribeByTag()}");
        Assert.True(counts.ByTag.Count >= 8, $"Only {counts.ByTag.Count} rejection reasons seen: {counts.DescribeByTag()}");
        Assert.Equal("still serving", await SetAndGetAsync(cluster.Cache, $"user:{setup.Id}-after", "still serving"));
    }

    [Fact]
    public async Task DurableStream_MessagesAddedWhileEverySiloWasDown_AreAllAppliedOnceAndAcknowledged()
    {
        var id = Guid.NewGuid().ToString("N");
        var setup = new Setup { StreamKey = $"cache:invalidate:stream:{id}" };
        var keys = Enumerable.Range(0, 1000).Select(i => $"stream:{id}:{i}").ToList();
        using var publisher = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);
        var db = publisher.GetDatabase();
        await Task.WhenAll(keys.Select(k => db.ScriptEvaluateAsync("return redis.call('XADD', KEYS[1], '*', 'payload', ARGV[1])", [setup.StreamKey], [$$"""{"action":"batch","entity_ids":["{{k}}"]}"""])));
        using var counts = new MetricTotals("OrleansCache.Redis", "reason");

        await using var cluster = await StartAsync(redis, setup);
        await counts.WhenAsync("orleanscache.bridge.stream.acked", keys.Count);

        var pending = (RedisResult[])(await db.ScriptEvaluateAsync("return redis.call('XPENDING', KEYS[1], ARGV[1])", [setup.StreamKey], [$"orleanscache-{cluster.Options.ClusterId}"]))!;
        Assert.Equal(0, (long)pending[0]);
        // Each entry was taken, applied and acknowledged once: one acceptance each, and no grain changed twice. (A key
        // may show no change at all: the first silo read the stream before the others joined, and keys that moved to
        // them start over in fresh activations.)
        Assert.Equal(keys.Count, counts.Get("orleanscache.bridge.stream.acked"));
        Assert.Equal(keys.Count, counts.Get("orleanscache.bridge.messages.accepted"));
        var versions = await Task.WhenAll(keys.Select(k => cluster.Client.GetGrain<ICacheEntryGrain>(k).GetVersionAsync()));
        Assert.All(versions, v => Assert.InRange(v.Change, 0, 1));
    }

    [Fact]
    public async Task MalformedStreamEntries_AreRejectedCountedAndAcknowledged_ValidOnesBetweenThemApply()
    {
        var id = Guid.NewGuid().ToString("N");
        var setup = new Setup { StreamKey = $"cache:invalidate:stream:{id}" };
        using var counts = new MetricTotals("OrleansCache.Redis", "reason");
        await using var cluster = await StartAsync(redis, setup);
        var valid = Enumerable.Range(0, 20).Select(i => $"user:{id}-{i}").ToList();
        await HoldAsync(cluster, [cluster.Cache], [.. valid]);
        var watches = valid.Select(k => new KeyWatch(cluster.Cache, k)).ToList();
        using var publisher = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);
        var db = publisher.GetDatabase();
        var bad = MalformedMessages(new Random(7), setup).Where(m => m.Channel == (RedisChannel)setup.Channel).Take(1000).Select(m => (byte[])m.Payload!).ToList();
        var adds = new List<Task>();
        for (var i = 0; i < bad.Count; i++)
        {
            // Entries with a payload field, and now and then one without (also rejected).
            adds.Add(db.ScriptEvaluateAsync("return redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[2])", [setup.StreamKey], [i % 97 == 0 ? "other" : "payload", bad[i]]));
            if (i % 50 == 0)
            {
                adds.Add(db.ScriptEvaluateAsync("return redis.call('XADD', KEYS[1], '*', 'payload', ARGV[1])", [setup.StreamKey], [$$"""{"action":"batch","entity_ids":["{{valid[i / 50]}}"]}"""]));
            }
        }

        await Task.WhenAll(adds);
        await Task.WhenAll(watches.Select(w => w.Dropped));
        await counts.WhenAsync("orleanscache.bridge.stream.acked", bad.Count + valid.Count);

        var pending = (RedisResult[])(await db.ScriptEvaluateAsync("return redis.call('XPENDING', KEYS[1], ARGV[1])", [setup.StreamKey], [$"orleanscache-{cluster.Options.ClusterId}"]))!;
        Assert.Equal(0, (long)pending[0]);
        Assert.True(counts.Get("orleanscache.bridge.messages.rejected") >= bad.Count);
    }

    [Fact]
    public async Task RedisRestart_BridgeResubscribes_AndClientsRevalidate()
    {
        await using var own = new RedisServer();
        await own.InitializeAsync();
        var setup = new Setup();
        await using var cluster = await StartAsync(own, setup);
        var key = $"user:{setup.Id}";
        var clients = await ClientsHoldingAsync(cluster, 1, key);
        var resynced = new PatternWatch(clients[0], CacheInvalidationKind.Resync);

        await own.RestartAsync();
        await resynced.Seen;

        // Resubscribed: a message published after the restart still applies. Subscriptions come back asynchronously and
        // pub/sub drops what nobody hears, so publish (idempotently) until all three silos received it.
        await HoldAsync(cluster, clients, key);
        var watch = new KeyWatch(clients[0], key);
        using var publisher = await ConnectionMultiplexer.ConnectAsync(own.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await publisher.GetSubscriber().PublishAsync(setup.Channel, $$"""{"action":"batch","entity_ids":["{{key}}"]}""") < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "The silos did not resubscribe after the Redis restart.");
            await Task.Delay(TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken);
        }

        await watch.Dropped;
    }

    private string Port() => redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<(RedisChannel Channel, RedisValue Payload)> MalformedMessages(Random random, Setup setup)
    {
        string[] handmade =
        [
            "", "{", "}", "null", "[]", "42", "\"text\"", "{\"action\":}", "{\"action\":\"delete\"}",
            "{\"action\":\"explode\",\"entity_id\":\"1\"}", "{\"action\":\"delete\",\"entity_type\":\"User\",\"entity_id\":\"\"}",
            "{\"action\":\"delete\",\"entity_type\":\"User\",\"entity_id\":\"1\",\"extra\":true}",
            "{\"action\":\"batch\",\"entity_ids\":[]}", "{\"action\":\"batch\",\"entity_ids\":\"user:1\"}",
            "{\"action\":\"pattern\",\"pattern\":\"user:[1]\"}", "{\"action\":\"all\",\"entity_id\":\"1\"}",
            "{\"action\":\"delete\",\"action\":\"all\"}", "{\"action\":1}",
            new string('[', 5000) + new string(']', 5000),
            "{\"type\":\"item\"}", "{\"type\":\"item\",\"itemId\":\"\"}", "{\"type\":\"boom\"}",
        ];
        var valid = Encoding.UTF8.GetBytes($$"""{"action":"delete","entity_type":"User","entity_id":"x{{setup.Id}}"}""");
        for (var i = 0; i < 10_000; i++)
        {
            RedisChannel channel = (i % 3) switch { 0 => setup.Channel, 1 => setup.TypedChannel, _ => $"__keyspace@0__:{setup.KeyspacePrefix}\u0001bad{i}" };
            byte[] payload = (i % 5) switch
            {
                0 => Encoding.UTF8.GetBytes(handmade[random.Next(handmade.Length)]),
                1 => RandomBytes(random, random.Next(1, 200)),
                2 => Mutate(random, valid),
                3 => Encoding.UTF8.GetBytes($$"""{"action":"delete","entity_type":{{random.Next()}},"entity_id":[1]}"""),
                _ => valid[..random.Next(1, valid.Length - 1)],
            };

            yield return (channel, payload);
        }

        // A few very large payloads, rejected by size before parsing.
        for (var i = 0; i < 3; i++)
        {
            yield return (setup.Channel, new byte[10 * 1024 * 1024]);
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var copy = (byte[])valid.Clone();
        for (var i = 0; i < 3; i++)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        // A mutation that happens to stay valid would be accepted; force it invalid with a trailing brace.
        return [.. copy, (byte)'}'];
    }

    private static async Task<TestCluster> StartAsync(RedisServer server, Setup setup) =>
        await TestCluster.StartAsync(silos: 3, o => o.ConfigureSilo = silo =>
        {
            silo.Services.Configure<RedisOptions>(r =>
            {
                r.ConnectionString = server.ConnectionString;
                r.KeyPrefix = setup.Prefix;
            });
            silo.AddRedisInvalidationBridge(b =>
            {
                b.Channels.Clear();
                b.Channels.Add(setup.Channel);
                b.TypedChannels[setup.TypedChannel] = setup.TypedPrefix;
                b.KeyspacePrefixes.Add(setup.KeyspacePrefix);
                b.OutboundChannel = setup.SharedOutbound ? setup.Channel : setup.OutboundChannel;
                b.StreamKey = setup.StreamKey;
                b.DeleteL2Keys = setup.DeleteL2Keys;
            });
        }, TestContext.Current.CancellationToken);

    private static async Task<List<IOrleansCacheClient>> ClientsHoldingAsync(TestCluster cluster, int count, params string[] keys)
    {
        var clients = new List<IOrleansCacheClient> { cluster.Cache };
        while (clients.Count < count)
        {
            clients.Add(await cluster.CreateCacheClientAsync(cancellationToken: TestContext.Current.CancellationToken));
        }

        await HoldAsync(cluster, clients, keys);
        return clients;
    }

    /// <summary>Gives each key a value and has every client read it, so each holds a copy to drop.</summary>
    private static async Task HoldAsync(TestCluster cluster, IEnumerable<IOrleansCacheClient> clients, params string[] keys)
    {
        foreach (var key in keys)
        {
            await cluster.Cache.SetAsync(key, $"value of {key}", cancellationToken: TestContext.Current.CancellationToken);
        }

        await ClientsReadAsync(clients, keys);
    }

    private static async Task ClientsReadAsync(IEnumerable<IOrleansCacheClient> clients, params string[] keys)
    {
        foreach (var client in clients)
        {
            foreach (var key in keys)
            {
                await client.GetAsync<string>(key, TestContext.Current.CancellationToken);
            }
        }
    }

    private static bool Serves(IOrleansCacheClient client, string key) => ((global::OrleansCache.Client.Caching.OrleansCacheClient)client).NearCache.TryGet(key, out _);

    private static async Task<string?> SetAndGetAsync(IOrleansCacheClient client, string key, string value)
    {
        await client.SetAsync(key, value, cancellationToken: TestContext.Current.CancellationToken);
        return await client.GetAsync<string>(key, TestContext.Current.CancellationToken);
    }

    /// <summary>Names unique to one test: channels, prefixes, ids.</summary>
    private sealed class Setup
    {
        public string Id { get; } = Guid.NewGuid().ToString("N");

        public string Prefix => $"test:{Id}:";

        public string Channel => $"cache:invalidate:{Id}";

        public string TypedChannel => $"cache:personality-invalidation:{Id}";

        public string TypedPrefix => $"personality{Id}:";

        public string KeyspacePrefix => $"l2{Id}:";

        public string OutboundChannel => $"cache:invalidated:{Id}";

        public bool SharedOutbound { get; init; }

        public string? StreamKey { get; init; }

        public bool DeleteL2Keys { get; init; }
    }

    /// <summary>Completes when a client drops its copy of a key (subscribe before acting).</summary>
    private sealed class KeyWatch
    {
        private readonly TaskCompletionSource _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public KeyWatch(IOrleansCache client, string key)
        {
            client.Invalidated += (_, e) =>
            {
                if (e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped > 0)
                {
                    _dropped.TrySetResult();
                }
            };
        }

        public Task Dropped => _dropped.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Completes on the first invalidation of a kind.</summary>
    private sealed class PatternWatch
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public PatternWatch(IOrleansCache client, CacheInvalidationKind kind = CacheInvalidationKind.Pattern)
        {
            client.Invalidated += (_, e) =>
            {
                if (e.Kind == kind)
                {
                    _seen.TrySetResult();
                }
            };
        }

        public Task Seen => _seen.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
