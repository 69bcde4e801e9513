using System.Text.Json;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestSupport.Waiting;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests.Bridge;

/// <summary>
/// The bridge end to end: messages published with StackExchange.Redis (as any service would) change the key's grain
/// version in a two-silo cluster, once; the cluster's invalidations come out on the outbound channel.
/// </summary>
public sealed class BridgeTests(RedisServer redis, BridgeCluster bridge) : IClassFixture<BridgeCluster>
{
    private const string Messages = "orleanscache.redis.bridge.messages";

    /// <summary>The bridge's event id for "resynchronized after pub/sub messages may have been lost".</summary>
    private const int Resynchronized = 5208;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private IClusterClient Client => bridge.Cluster.Client;

    [Fact]
    public async Task CanonicalMessage_InvalidatesTheKey_OnceAcrossTheCluster_AndGoesOut()
    {
        await bridge.WaitForSettledViewsAsync();
        var id = Guid.NewGuid().ToString("N");
        var before = await StoreAsync($"user:{id}");
        var handled = Handled("canonical");
        var applied = bridge.Counters[$"{Messages}.applied", "path=canonical"];

        await redis.Subscriber.PublishAsync(RedisChannel.Literal(bridge.CanonicalChannel), $$"""{"entity_type":"User","entity_id":"{{id}}","action":"delete","source":"billing"}""");

        // Each silo receives it; one applies, the other leaves it.
        await Eventually.TrueAsync(() => Handled("canonical") - handled == 2, "both silos to handle the message", cancellationToken: Token);
        Assert.True(applied + 1 == bridge.Counters[$"{Messages}.applied", "path=canonical"], bridge.Counters.ToString());
        Assert.Equal(before with { Change = before.Change + 1 }, await VersionAsync($"user:{id}"));

        // The cluster's own invalidation goes out as canonical JSON, stamped with its source.
        await Eventually.TrueAsync(() => OutboundFor("invalidate", "user", id) is not null, "the outbound message", cancellationToken: Token);
        var outbound = OutboundFor("invalidate", "user", id)!.Value;
        Assert.Equal($"orleanscache:{bridge.ServiceId}", outbound.GetProperty("source").GetString());
    }

    [Fact]
    public async Task CanonicalBatchAndPattern_InvalidateEachKey()
    {
        var id = Guid.NewGuid().ToString("N");
        var batch = await Task.WhenAll(StoreAsync($"b:{id}:1"), StoreAsync($"b:{id}:2"));
        var pattern = await StoreAsync($"p:{id}:x");

        await PublishCanonicalAsync($$"""{"action":"batch","entity_ids":["b:{{id}}:1","b:{{id}}:2"]}""");
        await PublishCanonicalAsync($$"""{"action":"pattern","pattern":"p:{{id}}:*"}""");

        await WaitChangedAsync($"b:{id}:1", batch[0]);
        await WaitChangedAsync($"b:{id}:2", batch[1]);
        await WaitChangedAsync($"p:{id}:x", pattern);
    }

    [Fact]
    public async Task TypedEvents_InvalidateKeysUnderTheChannelsPrefix_AndAllStaysUnderIt()
    {
        var item = $"{bridge.TypedPrefix}42";
        var sibling = $"{bridge.TypedPrefix}43";
        var unrelated = $"other:{Guid.NewGuid():N}";
        var itemBefore = await StoreAsync(item);
        var siblingBefore = await StoreAsync(sibling);
        var unrelatedBefore = await StoreAsync(unrelated);

        await redis.Subscriber.PublishAsync(RedisChannel.Literal(bridge.TypedChannel), """{"type":"item","itemId":"42"}""");
        await WaitChangedAsync(item, itemBefore);
        Assert.Equal(siblingBefore, await VersionAsync(sibling));

        await redis.Subscriber.PublishAsync(RedisChannel.Literal(bridge.TypedChannel), """{"type":"all"}""");
        await WaitChangedAsync(sibling, siblingBefore);
        Assert.Equal(unrelatedBefore, await VersionAsync(unrelated));
    }

    [Fact]
    public async Task KeyspaceNotification_OfAKeyChangedInRedis_InvalidatesTheCacheKeyOfThatName()
    {
        var key = $"{bridge.KeyspacePrefix}{Guid.NewGuid():N}";
        var before = await StoreAsync(key);

        await redis.Database.StringSetAsync(key, "changed by another service");

        await WaitChangedAsync(key, before);
    }

    [Fact]
    public async Task StreamEntry_IsApplied_AndAcknowledged()
    {
        var id = Guid.NewGuid().ToString("N");
        var before = await StoreAsync($"order:{id}");

        await redis.Database.StreamAddAsync(bridge.StreamKey, "payload", $$"""{"action":"invalidate","entity_type":"Order","entity_id":"{{id}}"}""");

        await WaitChangedAsync($"order:{id}", before);
        await Eventually.TrueAsync(async () => (await redis.Database.StreamPendingAsync(bridge.StreamKey, bridge.ConsumerGroup)).PendingMessageCount == 0, "the entry to be acknowledged", cancellationToken: Token);
    }

    [Fact]
    public async Task StreamEntries_LeftPendingByADeadConsumer_AreClaimedAndApplied()
    {
        var id = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 3).Select(i => $"claim:{id}{i}").ToArray();
        var before = await Task.WhenAll(keys.Select(StoreAsync));
        var claimed = bridge.Counters["orleanscache.redis.bridge.stream.claimed"];

        // Added and read by a consumer that then dies, in one step, so no silo reads them first.
        const string AddAndReadAsDeadConsumer = """
            for i = 2, #ARGV do redis.call('XADD', KEYS[1], '*', 'payload', ARGV[i]) end
            return redis.call('XREADGROUP', 'GROUP', ARGV[1], 'dead-silo', 'COUNT', 100, 'STREAMS', KEYS[1], '>')
            """;
        RedisValue[] args = [bridge.ConsumerGroup, .. keys.Select(k => (RedisValue)$$"""{"action":"batch","entity_ids":["{{k}}"]}""")];
        var read = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(AddAndReadAsDeadConsumer, [bridge.StreamKey], args))!;
        Assert.Single(read);
        var pending = await redis.Database.StreamPendingAsync(bridge.StreamKey, bridge.ConsumerGroup);
        Assert.Contains(pending.Consumers, c => c.Name == "dead-silo" && c.PendingMessageCount == 3);

        for (var i = 0; i < keys.Length; i++)
        {
            await WaitChangedAsync(keys[i], before[i]);
        }

        Assert.True(bridge.Counters["orleanscache.redis.bridge.stream.claimed"] >= claimed + 3);
        await Eventually.TrueAsync(async () => (await redis.Database.StreamPendingAsync(bridge.StreamKey, bridge.ConsumerGroup)).PendingMessageCount == 0, "the claimed entries to be acknowledged", cancellationToken: Token);
    }

    [Fact]
    public async Task MessageFromTheClustersOwnSource_IsIgnored()
    {
        var id = Guid.NewGuid().ToString("N");
        await bridge.WaitForSettledViewsAsync();
        var before = await StoreAsync($"loop:{id}");
        var ignored = bridge.Counters[$"{Messages}.ignored", "path=canonical"];

        await PublishCanonicalAsync($$"""{"action":"invalidate","entity_type":"loop","entity_id":"{{id}}","source":"orleanscache:{{bridge.ServiceId}}"}""");

        await Eventually.TrueAsync(() => bridge.Counters[$"{Messages}.ignored", "path=canonical"] == ignored + 1, "the message to be ignored", cancellationToken: Token);
        Assert.Equal(before, await VersionAsync($"loop:{id}"));
    }

    [Fact]
    public async Task MatchAllPattern_RefusedByTheCluster_IsCountedAsRejected()
    {
        await bridge.WaitForSettledViewsAsync();
        var refused = bridge.Counters[$"{Messages}.rejected", "reason=RefusedByCluster"];

        await PublishCanonicalAsync("""{"action":"pattern","pattern":"*"}""");

        await Eventually.TrueAsync(() => bridge.Counters[$"{Messages}.rejected", "reason=RefusedByCluster"] == refused + 1, "the refusal to be counted", cancellationToken: Token);
    }

    [Fact]
    public async Task RejectedMessage_OnAHugeChannelName_IsLoggedOnABoundedLine()
    {
        // The bug: a 10 MB channel name matched the keyspace subscription pattern and became a 10 MB log line.
        var channel = $"__keyspace@0__:{bridge.KeyspacePrefix}" + new string('x', 10 * 1024 * 1024);
        await bridge.WaitForSettledViewsAsync();
        var rejected = bridge.Counters[$"{Messages}.rejected", "path=keyspace"];

        var logged = bridge.Logs.GetSnapshot().Count;

        await redis.Subscriber.PublishAsync(RedisChannel.Literal(channel), "set");

        // The rejection is counted before it is logged: wait for the line itself.
        await Eventually.TrueAsync(() => bridge.Counters[$"{Messages}.rejected", "path=keyspace"] == rejected + 1, "the rejection", cancellationToken: Token);
        await Eventually.TrueAsync(() => bridge.Logs.GetSnapshot().Skip(logged).Any(IsKeyspaceRejection), "the rejection's log line", cancellationToken: Token);
        var line = bridge.Logs.GetSnapshot().Skip(logged).Last(IsKeyspaceRejection);
        Assert.InRange(line.Message.Length, 1, 2048);
        Assert.Contains("chars)", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(bridge.Logs.GetSnapshot(), r => r.Message.Length > 8192);
    }

    [Fact]
    public async Task MalformedMessages_AreCountedByReason_AndTheRestStillApply()
    {
        var id = Guid.NewGuid().ToString("N");
        await bridge.WaitForSettledViewsAsync();
        var before = await StoreAsync($"after:{id}");
        var unknown = bridge.Counters[$"{Messages}.rejected", "reason=UnknownField"];
        var tooLarge = bridge.Counters[$"{Messages}.rejected", "reason=TooLarge"];

        await PublishCanonicalAsync("""{"action":"all","entity_id":"1"}""");
        await PublishCanonicalAsync(new string(' ', 100 * 1024));
        await PublishCanonicalAsync($$"""{"action":"invalidate","entity_type":"after","entity_id":"{{id}}"}""");

        await WaitChangedAsync($"after:{id}", before);
        await Eventually.TrueAsync(
            () => bridge.Counters[$"{Messages}.rejected", "reason=UnknownField"] == unknown + 1 && bridge.Counters[$"{Messages}.rejected", "reason=TooLarge"] == tooLarge + 1,
            "both rejections to be counted",
            cancellationToken: Token);
    }

    [Fact]
    public async Task Invalidation_DeletesTheL2KeyOfTheSameName()
    {
        var key = $"l2:{Guid.NewGuid():N}";
        await redis.Database.StringSetAsync(key, "a service's copy");

        await Client.GetGrain<ICacheEntryGrain>(key).InvalidateAsync();

        await Eventually.TrueAsync(async () => !await redis.Database.KeyExistsAsync(key), "the L2 key to be deleted", cancellationToken: Token);
    }

    [Fact]
    public async Task PubSubReconnect_InvalidatesKeysUnderTheTypedAndKeyspacePrefixes()
    {
        // A message published while the subscription was down is lost, and no version check can tell: the keys the
        // lost messages could have named are invalidated instead.
        var typed = $"{bridge.TypedPrefix}r-{Guid.NewGuid():N}";
        var keyspace = $"{bridge.KeyspacePrefix}r-{Guid.NewGuid():N}";
        var typedBefore = await StoreAsync(typed);
        var keyspaceBefore = await StoreAsync(keyspace);
        var reconnects = bridge.Counters["orleanscache.redis.bridge.reconnects", "action=prefixes"];
        var resynchronized = bridge.CountBySilo(Resynchronized);

        Assert.Equal(bridge.Cluster.Silos.Count, await bridge.DropSubscriptionConnectionsAsync());

        await WaitChangedAsync(typed, typedBefore);
        await WaitChangedAsync(keyspace, keyspaceBefore);
        Assert.True(bridge.Counters["orleanscache.redis.bridge.reconnects", "action=prefixes"] > reconnects);

        // Each silo resynchronizes on its own: a silo still at it would invalidate the prefixes under another test
        // (the typed events test saw its untouched sibling key change).
        await Eventually.TrueAsync(
            () => bridge.CountBySilo(Resynchronized).All(s => s.Value > resynchronized.GetValueOrDefault(s.Key)),
            "every silo to finish resynchronizing",
            cancellationToken: Token);
    }

    private static bool IsKeyspaceRejection(Microsoft.Extensions.Logging.Testing.FakeLogRecord record) =>
        record.Id.Id == 5201 && record.Message.Contains("keyspace", StringComparison.Ordinal);

    /// <summary>Messages of <paramref name="path"/> the silos are done with, whatever the outcome: each silo counts each once.</summary>
    private long Handled(string path) =>
        bridge.Counters[$"{Messages}.skipped", $"path={path}"] + bridge.Counters[$"{Messages}.applied", $"path={path}"]
        + bridge.Counters[$"{Messages}.ignored", $"path={path}"] + bridge.Counters[$"{Messages}.rejected", $"path={path}"]
        + bridge.Counters[$"{Messages}.failed", $"path={path}"] + bridge.Counters[$"{Messages}.dropped", $"path={path}"];

    /// <summary>
    /// Publishes on the canonical channel and waits until both silos are done with the message, so no test leaves
    /// handlings behind that another test's counts would take for its own.
    /// </summary>
    private async Task PublishCanonicalAsync(string message)
    {
        var handled = Handled("canonical");
        await redis.Subscriber.PublishAsync(RedisChannel.Literal(bridge.CanonicalChannel), message);
        await Eventually.TrueAsync(() => Handled("canonical") - handled >= 2, "both silos to handle a canonical message", cancellationToken: Token);
    }

    private async Task<CacheVersion> StoreAsync(string key) =>
        await Client.GetGrain<ICacheEntryGrain>(key).SetAsync([1], CacheWriteOptions.Default, Guid.Empty);

    private Task<CacheVersion> VersionAsync(string key) => Client.GetGrain<ICacheEntryGrain>(key).GetVersionAsync(Guid.Empty);

    private Task WaitChangedAsync(string key, CacheVersion before) =>
        Eventually.TrueAsync(async () => await VersionAsync(key) > before, $"{key} to get a version above {before}", cancellationToken: Token);

    private JsonElement? OutboundFor(string action, string type, string id)
    {
        foreach (var message in bridge.OutboundSnapshot())
        {
            var json = JsonDocument.Parse(message).RootElement;
            if (json.GetProperty("action").GetString() == action
                && json.TryGetProperty("entity_type", out var t) && t.GetString() == type
                && json.GetProperty("entity_id").GetString() == id)
            {
                return json;
            }
        }

        return null;
    }
}
