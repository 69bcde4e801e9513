using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansCache.Client;
using OrleansCache.Fuzz.Tests.Infrastructure;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Redis;
using OrleansCache.Redis.Bridge.Parsing;
using OrleansCache.Redis.Diagnostics;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Fuzzing;
using OrleansCache.TestSupport.Logging;
using OrleansCache.TestSupport.Metrics;
using OrleansCache.TestSupport.Redis;
using OrleansCache.TestSupport.Waiting;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Bridge;

/// <summary>
/// Every bridge input path end to end: a real redis-server and a silo with the bridge on, and fuzzed messages published
/// on the canonical channel, the typed channel and keyspace channels, and added to the durable stream. The silo counts
/// exactly what its parsers say about each message (accepted, or rejected for the parser's reason), drops none, logs
/// each rejection on a line of bounded length, and afterwards still applies a valid message on every path: a client
/// holding the key sees it invalidated.
/// </summary>
[Collection(FuzzClusterCollection.Name)]
public sealed class BridgeEndToEndFuzzTests(FuzzCluster fuzz)
{
    private const string Messages = "orleanscache.redis.bridge.messages";

    /// <summary>
    /// The longest a logged rejection may be (message and structured values): the untrusted parts are cut to 256
    /// characters each. Inputs here reach 70 KiB payloads and 4 KiB channel names.
    /// </summary>
    private const int MaxRejectionLogEntry = 2048;

    private static readonly BridgeLimits SiloLimits = new();

    /// <summary>
    /// The silo refuses a keyspace channel longer than any key under the limit could make (the prefix and the key in
    /// UTF-8) on arrival, before parsing, as too long: InboundBridge's bound, repeated here.
    /// </summary>
    private static readonly int MaxKeyspaceChannelLength = 32 + (4 * SiloLimits.MaxKeyLength);

    [Fact]
    public async Task FuzzedMessagesOnEveryPath_AreCountedAsTheParsersSay_LoggedBriefly_AndValidOnesStillApply()
    {
        var token = TestContext.Current.CancellationToken;
        var names = new Names(fuzz);
        var redis = fuzz.Redis;
        var cluster = fuzz.Cluster;
        var logs = fuzz.Logs;
        var mark = logs.Entries.Count;
        using var byReason = new MetricTotals(RedisMetrics.MeterName, "reason");
        using var publisher = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(token);
        var expected = new Expected();
        var options = new FuzzOptions("bridge-end-to-end", ciInputs: 1000) { CaseTimeout = TimeSpan.FromSeconds(30) };

        var report = await Fuzzer.RunAsync(options, (random, _, _) => PublishAsync(publisher, names, random, expected), token);

        // Every message handled: the silo's counts reach exactly what the parsers said (RefusedByCluster is the
        // cluster's own refusal of an accepted message, e.g. a key its rules refuse, so it is not predicted).
        try
        {
            await Eventually.TrueAsync(
                () => byReason.Get($"{Messages}.accepted") >= expected.Accepted && expected.RejectedByReason.All(r => byReason.ByTag.GetValueOrDefault(r.Key) >= r.Value),
                "the silo to count every message",
                TimeSpan.FromSeconds(60),
                token);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(
                $"{ex.Message} Seed {options.Seed}: expected {expected.Accepted} accepted, rejected {Describe(expected.RejectedByReason)}, by path {Describe(expected.RejectedByPath)}; counted {byReason.Get($"{Messages}.accepted")} accepted, {byReason.DescribeByTag()}; logged by path {Describe(LoggedByPath(logs, mark))}",
                ex);
        }

        report.Publish();
        TestContext.Current.SendDiagnosticMessage($"bridge-end-to-end (seed {options.Seed}): sent {Describe(expected.SentByPath)}; accepted {expected.Accepted}; rejected by reason {byReason.DescribeByTag()}");
        var failure = $"seed {options.Seed} (replay with FUZZ_SEED={options.Seed})";
        Assert.True(expected.Accepted == byReason.Get($"{Messages}.accepted"), $"{failure}: accepted {byReason.Get($"{Messages}.accepted")}, the parsers accepted {expected.Accepted}");
        foreach (var (reason, count) in expected.RejectedByReason)
        {
            Assert.True(count == byReason.ByTag.GetValueOrDefault(reason), $"{failure}: {reason} counted {byReason.ByTag.GetValueOrDefault(reason)}, the parsers said {count}");
        }

        Assert.Equal(0, byReason.Get($"{Messages}.dropped"));
        Assert.Equal(0, byReason.Get($"{Messages}.failed"));
        Assert.True(expected.RejectedByReason.Count >= 8, $"{failure}: only {expected.RejectedByReason.Count} rejection reasons reached the silo");
        Assert.True(expected.Accepted > 4, $"{failure}: hardly any fuzzed message was valid");
        Assert.True(expected.SentByPath.Count == 4, $"{failure}: not every path was fuzzed");

        // Every rejection was logged, on its path, each on a line of bounded size, and nothing was logged as an error.
        var rejectionLines = logs.Entries.Skip(mark).Where(e => e.Contains("[5201]", StringComparison.Ordinal)).ToList();
        foreach (var (path, count) in expected.RejectedByPath)
        {
            var logged = rejectionLines.Count(l => l.Contains($"[5201] Rejected a {path} bridge message", StringComparison.Ordinal));
            Assert.True(logged >= count, $"{failure}: {logged} {path} rejections logged, the parsers rejected {count}");
        }

        Assert.True(rejectionLines.Any(l => l.Contains(" chars)", StringComparison.Ordinal)), $"{failure}: no rejection logged a channel or detail long enough to be cut");
        var longest = rejectionLines.MaxBy(l => l.Length)!;
        Assert.True(longest.Length <= MaxRejectionLogEntry, $"{failure}: a rejection's log entry has {longest.Length} characters: {longest[..Math.Min(600, longest.Length)]}");
        Assert.Empty(fuzz.ErrorsSince(mark));

        // Nothing fuzzed is in flight any more: a valid message on every path still reaches a client holding the key.
        var other = await cluster.CreateClientAsync(cancellationToken: token);
        var invalidated = await HoldAsync(cluster, other, [names.CanonicalBarrier, names.TypedPrefix + "barrier", names.KeyspaceBarrier, names.StreamBarrier]);
        var db = publisher.GetDatabase();
        await publisher.GetSubscriber().PublishAsync(RedisChannel.Literal(names.Channel), $$"""{"action":"delete","entity_type":"barrier","entity_id":"{{names.Id}}-canonical"}""");
        await publisher.GetSubscriber().PublishAsync(RedisChannel.Literal(names.TypedChannel), """{"type":"item","itemId":"barrier"}""");
        await db.StringSetAsync(names.KeyspaceBarrier, "an L2 copy changed");
        await AddToStreamAsync(db, names.StreamKey, "payload", Encoding.UTF8.GetBytes($$"""{"action":"batch","entity_ids":["{{names.StreamBarrier}}"]}"""), emptyPayloadLast: false);
        await Task.WhenAll(invalidated).WaitAsync(TimeSpan.FromSeconds(30), token);
        Assert.All(new[] { names.CanonicalBarrier, names.TypedPrefix + "barrier", names.KeyspaceBarrier, names.StreamBarrier }, key => Assert.False(other.Serves(key), $"{key} is still served from the near-cache"));
        await cluster.Cache.SetAsync("after:" + names.Id, "still serving", cancellationToken: token);
        Assert.Equal("still serving", await other.Cache.GetAsync<string>("after:" + names.Id, token));
    }

    /// <summary>Publishes one fuzzed message on a random path, and notes what the parsers say about it.</summary>
    private static async Task<string> PublishAsync(ConnectionMultiplexer publisher, Names names, Random random, Expected expected)
    {
        // Now and then a payload over the silo's 64 KiB limit (refused before it is copied).
        var payload = random.OneIn(100) ? Encoding.UTF8.GetBytes("{\"action\":\"all\",\"source\":\"" + new string('x', 70_000) + "\"}") : BridgeMessageGenerator.Generate(random);
        var subscriber = publisher.GetSubscriber();
        switch (random.Next(4))
        {
            case 0:
                expected.Note("canonical", CanonicalMessageParser.Parse(payload, SiloLimits));
                await subscriber.PublishAsync(RedisChannel.Literal(names.Channel), payload);
                return "canonical";
            case 1:
                expected.Note("typed", TypedEventParser.Parse(payload, names.TypedPrefix, SiloLimits));
                await subscriber.PublishAsync(RedisChannel.Literal(names.TypedChannel), payload);
                return "typed";
            case 2:
                // Any channel the keyspace subscription (__keyspace@*__:prefix*) matches: the parts its wildcards cover are fuzzed.
                byte[] channel = [.. "__keyspace@"u8, .. Part(random, "0"), .. "__:"u8, .. Encoding.UTF8.GetBytes(names.KeyspacePrefix), .. Part(random, "7")];
                var name = Encoding.UTF8.GetString(channel);
                expected.Note("keyspace", name.Length > MaxKeyspaceChannelLength
                    ? BridgeParseResult.Reject(BridgeRejectionReason.ValueTooLong, "refused on arrival")
                    : KeyspaceNotificationParser.Parse(name, names.KeyspacePrefix, SiloLimits));
                await subscriber.PublishAsync(RedisChannel.Literal(channel), RedisValue.EmptyString);
                return "keyspace";
            default:
                // Usually one payload field; now and then another name, or a second, empty payload field after it
                // (the first field of the name counts).
                var field = random.Next(8) switch { 0 => "other", 1 => "Payload", _ => "payload" };
                var twice = random.OneIn(10);
                byte[]? counted = field == "payload" ? payload : twice ? [] : null;
                expected.Note("stream", counted is null
                    ? BridgeParseResult.Reject(BridgeRejectionReason.MissingField, "no payload")
                    : CanonicalMessageParser.Parse(counted, SiloLimits));
                await AddToStreamAsync(publisher.GetDatabase(), names.StreamKey, field, payload, twice);
                return "stream";
        }
    }

    private static byte[] Part(Random random, string usual) => random.Next(4) switch
    {
        0 => Encoding.UTF8.GetBytes(usual),
        1 => Encoding.UTF8.GetBytes(random.Pick(InterestingValues.Strings)),
        2 when random.OneIn(10) => Encoding.UTF8.GetBytes(new string('k', random.Next(1000, 4000))),
        _ => ByteMutator.Mutate(random, Encoding.UTF8.GetBytes(usual + "__:x"), maxLength: 2048),
    };

    private static Task<RedisResult> AddToStreamAsync(IDatabase db, string stream, string field, byte[] payload, bool emptyPayloadLast) =>
        emptyPayloadLast
            ? db.ScriptEvaluateAsync("return redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[2], 'payload', '')", [stream], [field, payload])
            : db.ScriptEvaluateAsync("return redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[2])", [stream], [field, payload]);

    /// <summary>
    /// Has <paramref name="client"/> hold each key in its near-cache; each task completes when an invalidation of the
    /// key newer than the write reaches that client.
    /// </summary>
    private static async Task<List<Task>> HoldAsync(OrleansCacheTestCluster cluster, OrleansCacheTestClient client, string[] keys)
    {
        var token = TestContext.Current.CancellationToken;
        var barriers = new List<Task>();
        foreach (var key in keys)
        {
            await cluster.Cache.SetAsync(key, "held", cancellationToken: token);
            var written = await cluster.Client.GetGrain<ICacheEntryGrain>(key).GetVersionAsync(Guid.Empty);
            Assert.Equal("held", await client.Cache.GetAsync<string>(key, token));
            var invalidated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.Cache.Invalidated += (_, e) =>
            {
                if (e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Version is { } version && version > written)
                {
                    invalidated.TrySetResult();
                }
            };
            barriers.Add(invalidated.Task);
        }

        await Eventually.TrueAsync(() => keys.All(k => client.Serves(k)), "the client to hold every barrier key", cancellationToken: token);
        return barriers;
    }

    private static Dictionary<string, long> LoggedByPath(CapturedLogs logs, int mark) =>
        logs.Entries.Skip(mark).Where(e => e.Contains("[5201] Rejected a ", StringComparison.Ordinal))
            .GroupBy(e => e[(e.IndexOf("[5201] Rejected a ", StringComparison.Ordinal) + 18)..].Split(' ')[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

    private static string Describe(IEnumerable<KeyValuePair<string, long>> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));

    /// <summary>What the parsers say the silo must count.</summary>
    private sealed class Expected
    {
        private long _accepted;

        public ConcurrentDictionary<string, long> SentByPath { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, long> RejectedByReason { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, long> RejectedByPath { get; } = new(StringComparer.Ordinal);

        public long Accepted => Interlocked.Read(ref _accepted);

        public void Note(string path, BridgeParseResult result)
        {
            SentByPath.AddOrUpdate(path, 1, static (_, n) => n + 1);
            if (result.Rejection is { } rejection)
            {
                RejectedByReason.AddOrUpdate(rejection.Reason.ToString(), 1, static (_, n) => n + 1);
                RejectedByPath.AddOrUpdate(path, 1, static (_, n) => n + 1);
            }
            else
            {
                Interlocked.Increment(ref _accepted);
            }
        }
    }

    /// <summary>Channels, prefixes and keys of this test.</summary>
    private sealed class Names(FuzzCluster fuzz)
    {
        public string Id => fuzz.Id;

        public string Channel => fuzz.Channel;

        public string TypedChannel => fuzz.TypedChannel;

        public string TypedPrefix => fuzz.TypedPrefix;

        public string KeyspacePrefix => fuzz.KeyspacePrefix;

        public string StreamKey => fuzz.StreamKey;

        public string CanonicalBarrier => $"barrier:{Id}-canonical";

        public string KeyspaceBarrier => KeyspacePrefix + "barrier";

        public string StreamBarrier => $"barrier:{Id}:stream";
    }
}
