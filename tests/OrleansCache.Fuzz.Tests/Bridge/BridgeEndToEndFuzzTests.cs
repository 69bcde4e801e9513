using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Client;
using OrleansCache.Fuzz.Tests.Infrastructure;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Redis;
using OrleansCache.Redis.Bridge;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Fuzzing;
using OrleansCache.TestSupport.Metrics;
using OrleansCache.TestSupport.Redis;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Bridge;

/// <summary>
/// Every bridge input path end to end: a real redis-server and a silo with the bridge on, and fuzzed messages published
/// on the canonical channel, the typed channel and keyspace channels, and added to the durable stream. The silo counts
/// exactly what its parsers say about each message (accepted, or rejected for the reason the parser gives), loses
/// none, still applies a valid message on every path afterwards, and keeps serving its clients.
/// </summary>
public sealed class BridgeEndToEndFuzzTests
{
    private static readonly BridgeLimits SiloLimits = new();

    [Fact]
    public async Task FuzzedMessagesOnEveryPath_AreCountedExactlyAsTheParsersSay_ValidOnesStillApply()
    {
        var token = TestContext.Current.CancellationToken;
        var names = new Names();
        await using var redis = await RedisServerProcess.StartAsync();
        using var byReason = new MetricTotals(BridgeMetrics.MeterName, "reason");
        using var byPath = new MetricTotals(BridgeMetrics.MeterName, "path");
        using var logs = new LogCapture();
        await using var cluster = await TestCluster.StartAsync(silos: 1, o =>
        {
            o.LoggerFactory = logs.Factory;
            o.ConfigureSilo = silo =>
            {
                silo.Services.Configure<RedisOptions>(r =>
                {
                    r.ConnectionString = redis.ConnectionString;
                    r.KeyPrefix = names.StoragePrefix;
                });
                silo.AddRedisInvalidationBridge(b =>
                {
                    b.Channels.Clear();
                    b.Channels.Add(names.Channel);
                    b.TypedChannels[names.TypedChannel] = names.TypedPrefix;
                    b.KeyspacePrefixes.Add(names.KeyspacePrefix);
                    b.StreamKey = names.StreamKey;
                    b.StreamPollInterval = TimeSpan.FromMilliseconds(20);
                });
            };
        }, token);
        using var publisher = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(token);
        var db = publisher.GetDatabase();
        var expected = new Expected();
        var options = new FuzzOptions("bridge-end-to-end", ciInputs: 4000) { Parallelism = 1 };

        var report = await Fuzzer.RunAsync(options, (random, index, _) => PublishAsync(publisher, names, random, expected), token);

        // One valid message last on each of the silo's two inbound loops (pub/sub, stream): once both are counted, every
        // message before them has been handled to the end, in order.
        await publisher.GetSubscriber().PublishAsync(names.Channel, $$"""{"action":"batch","entity_ids":["flush:{{names.Id}}"]}""");
        await AddToStreamAsync(db, names.StreamKey, "payload", Encoding.UTF8.GetBytes($$"""{"action":"batch","entity_ids":["flush:{{names.Id}}"]}"""));
        await byReason.WhenAsync("orleanscache.bridge.messages.accepted", n => n >= expected.Accepted + 2, TimeSpan.FromMinutes(2));
        await byReason.WhenAsync("orleanscache.bridge.messages.rejected", n => n >= expected.Rejected, TimeSpan.FromMinutes(2));

        report.Publish();
        TestContext.Current.SendDiagnosticMessage($"bridge-end-to-end: counted by path: {byPath.DescribeByTag()}; rejected by reason: {byReason.DescribeByTag()}");
        Assert.Equal(0, byReason.Get("orleanscache.bridge.messages.dropped"));
        Assert.Equal(expected.Accepted + 2, byReason.Get("orleanscache.bridge.messages.accepted"));
        foreach (var (path, sent) in expected.SentByPath)
        {
            Assert.Equal(sent + (path is "canonical" or "stream" ? 1 : 0), byPath.ByTag.GetValueOrDefault(path));
        }

        Assert.Equal(expected.RejectedByReason.OrderBy(r => r.Key, StringComparer.Ordinal), byReason.ByTag.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.True(expected.RejectedByReason.Count >= 8, $"only {expected.RejectedByReason.Count} rejection reasons reached the silo");
        Assert.True(expected.Accepted > 4, "no fuzzed message was valid");

        // Nothing fuzzed is in flight any more: a valid message on every path still takes effect.
        var applied = await BarriersAsync(cluster, names);
        await publisher.GetSubscriber().PublishAsync(names.Channel, $$"""{"action":"batch","entity_ids":["{{names.CanonicalBarrier}}"]}""");
        await publisher.GetSubscriber().PublishAsync(names.TypedChannel, """{"type":"item","itemId":"barrier"}""");
        await db.StringSetAsync(names.KeyspaceBarrier, "an L2 copy changed");
        await AddToStreamAsync(db, names.StreamKey, "payload", Encoding.UTF8.GetBytes($$"""{"action":"batch","entity_ids":["{{names.StreamBarrier}}"]}"""));
        await Task.WhenAll(applied).WaitAsync(TimeSpan.FromMinutes(2), token);
        await cluster.Cache.SetAsync("after:" + names.Id, "still serving", cancellationToken: token);
        Assert.Equal("still serving", await cluster.Cache.GetAsync<string>("after:" + names.Id, token));
        Assert.Empty(logs.Errors);
    }

    /// <summary>Publishes one fuzzed message on a random path, and notes what the parsers say about it.</summary>
    private static async Task<string> PublishAsync(ConnectionMultiplexer publisher, Names names, Random random, Expected expected)
    {
        var payload = BridgeMessageGenerator.Generate(random);
        switch (random.Next(4))
        {
            case 0:
                expected.Note("canonical", CanonicalMessageParser.Parse(payload, SiloLimits));
                await publisher.GetSubscriber().PublishAsync(names.Channel, payload);
                return "canonical";
            case 1:
                expected.Note("typed", TypedEventParser.Parse(payload, names.TypedPrefix, SiloLimits));
                await publisher.GetSubscriber().PublishAsync(names.TypedChannel, payload);
                return "typed";
            case 2:
                // Any channel the keyspace subscription (__keyspace@*__:prefix*) matches: the parts its wildcards cover are fuzzed.
                byte[] channel = [.. "__keyspace@"u8, .. Part(random, "0"), .. "__:"u8, .. Encoding.UTF8.GetBytes(names.KeyspacePrefix), .. Part(random, "7")];
                expected.Note("keyspace", KeyspaceNotificationParser.Parse(Encoding.UTF8.GetString(channel), names.KeyspacePrefix, SiloLimits));
                await publisher.GetSubscriber().PublishAsync(channel, RedisValue.EmptyString);
                return "keyspace";
            default:
                // Usually one payload field; now and then another name, or two payload fields (the last one counts).
                var field = random.Next(8) switch { 0 => "other", 1 => "Payload", _ => "payload" };
                var twice = random.OneIn(10);
                var counted = field == "payload" ? payload : [];
                expected.Note("stream", CanonicalMessageParser.Parse(twice ? [] : counted, SiloLimits));
                await AddToStreamAsync(publisher.GetDatabase(), names.StreamKey, field, payload, twice);
                return "stream";
        }
    }

    private static byte[] Part(Random random, string usual) => random.Next(3) switch
    {
        0 => Encoding.UTF8.GetBytes(usual),
        1 => Encoding.UTF8.GetBytes(random.Pick(InterestingValues.Strings)),
        _ => ByteMutator.Mutate(random, Encoding.UTF8.GetBytes(usual + "__:x"), maxLength: 2048),
    };

    private static Task<RedisResult> AddToStreamAsync(IDatabase db, string stream, string field, byte[] payload, bool emptyPayloadLast = false) =>
        emptyPayloadLast
            ? db.ScriptEvaluateAsync("return redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[2], 'payload', '')", [stream], [field, payload])
            : db.ScriptEvaluateAsync("return redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[2])", [stream], [field, payload]);

    /// <summary>
    /// Has the client hold a key for each path; each task completes when an invalidation of that key newer than the
    /// client's own write reaches it (the write's own invalidation comes back to the writer too).
    /// </summary>
    private static async Task<List<Task>> BarriersAsync(TestCluster cluster, Names names)
    {
        var client = cluster.Cache;
        var barriers = new List<Task>();
        foreach (var key in new[] { names.CanonicalBarrier, names.TypedPrefix + "barrier", names.KeyspaceBarrier, names.StreamBarrier })
        {
            await client.SetAsync(key, "held", cancellationToken: TestContext.Current.CancellationToken);
            var written = await cluster.Client.GetGrain<ICacheEntryGrain>(key).GetVersionAsync();
            var invalidated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.Invalidated += (_, e) =>
            {
                if (e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Version > written)
                {
                    invalidated.TrySetResult();
                }
            };
            barriers.Add(invalidated.Task);
        }

        return barriers;
    }

    /// <summary>What the parsers say the silo must count.</summary>
    private sealed class Expected
    {
        public ConcurrentDictionary<string, long> SentByPath { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, long> RejectedByReason { get; } = new(StringComparer.Ordinal);

        public long Accepted => SentByPath.Values.Sum() - Rejected;

        public long Rejected => RejectedByReason.Values.Sum();

        public void Note(string path, BridgeParseResult result)
        {
            SentByPath.AddOrUpdate(path, 1, static (_, n) => n + 1);
            if (result.Rejection is { } rejection)
            {
                RejectedByReason.AddOrUpdate(rejection.Reason.ToString(), 1, static (_, n) => n + 1);
            }
        }
    }

    /// <summary>Channels, prefixes and keys of this test.</summary>
    private sealed class Names
    {
        public string Id { get; } = Guid.NewGuid().ToString("N");

        public string StoragePrefix => $"fuzz:{Id}:";

        public string Channel => $"cache:invalidate:{Id}";

        public string TypedChannel => $"cache:typed:{Id}";

        public string TypedPrefix => $"typed{Id}:";

        public string KeyspacePrefix => $"l2{Id}:";

        public string StreamKey => $"cache:stream:{Id}";

        public string CanonicalBarrier => $"barrier:{Id}:canonical";

        public string KeyspaceBarrier => KeyspacePrefix + "barrier";

        public string StreamBarrier => $"barrier:{Id}:stream";
    }
}
