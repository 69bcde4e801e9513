using System.Diagnostics;
using OrleansCache.TestSupport.Redis;
using OrleansCache.TestSupport.Waiting;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>
/// The durable stream's promise under a real crash: a silo whose consumer read entries and was killed (<c>kill -9</c>)
/// before it acknowledged them leaves them pending; another silo's consumer takes them over with <c>XAUTOCLAIM</c> once
/// they were idle for <c>StreamClaimAfter</c>, and their invalidations apply.
/// </summary>
public sealed class StreamConsumerKillTests
{
    private const int Entries = 600;

    /// <summary>Short, so the test does not wait the README's 30 s; the same flag an operator would set.</summary>
    private static readonly TimeSpan ClaimAfter = TimeSpan.FromSeconds(2);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConsumerKilledWithEntriesPending_AnotherSiloClaimsThem_AndTheirInvalidationsApply()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var cluster = await ReadmeBridgeCluster.StartReadmeClusterAsync(redis, 3, new Dictionary<string, string>
        {
            ["RedisBridge:StreamClaimAfter"] = ClaimAfter.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            // One read takes every entry, so the consumer that reads them holds them all for as long as applying them lasts.
            ["RedisBridge:StreamBatchSize"] = "1000",
        });
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");
        await using var client = await cluster.ConnectClientAsync(Token);
        await cluster.WaitForActiveAsync(client, cluster.Silos, Token);
        await ReadmeBridgeCluster.WaitForBridgeAsync(connection, 3, Token);
        var database = connection.GetDatabase();
        var stream = ReadmeBridgeCluster.StreamKey;
        var group = ReadmeBridgeCluster.ConsumerGroup;

        var id = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, Entries).Select(i => $"order:{id}-{i}").ToArray();
        foreach (var chunk in keys.Chunk(25))
        {
            await Task.WhenAll(chunk.Select(k => client.Cache.SetAsync(k, "stored", cancellationToken: Token)));
        }

        // All entries at once; the ids come back in order, naming each entry's key.
        const string AddAll = "local ids = {} for i = 1, #ARGV do ids[i] = redis.call('XADD', KEYS[1], '*', 'payload', ARGV[i]) end return ids";
        var added = (RedisResult[])(await database.ScriptEvaluateAsync(AddAll, [stream], [.. keys.Select(k => (RedisValue)$$"""{"action":"invalidate","entity_type":"Order","entity_id":"{{k[6..]}}"}""")]))!;
        var keyOf = added.Select((entry, i) => (Id: entry.ToString(), Key: keys[i])).ToDictionary(e => e.Id, e => e.Key);

        // The consumer that read them, killed while it still applies them.
        var reader = "";
        await Eventually.TrueAsync(
            async () =>
            {
                var pending = await database.StreamPendingAsync(stream, group);
                reader = (string?)pending.Consumers.FirstOrDefault(c => c.PendingMessageCount >= 100).Name ?? "";
                return reader.Length > 0;
            },
            "a consumer to read the entries",
            SiloProcessCluster.Timeout,
            Token);
        var victim = cluster.Silos.Single(s => reader.StartsWith($"127.0.0.1:{s.SiloPort}@", StringComparison.Ordinal));
        var killedAt = Stopwatch.GetTimestamp();
        await victim.Process.KillAsync();
        var leftPending = await database.StreamPendingMessagesAsync(stream, group, Entries, reader);
        Assert.True(leftPending.Length > 0, "The killed consumer had acknowledged everything it read: nothing was left to claim.");

        // Taken over and acknowledged by the survivors...
        await Eventually.TrueAsync(
            async () => (await database.StreamPendingAsync(stream, group)).PendingMessageCount == 0,
            "every entry to be acknowledged",
            SiloProcessCluster.Timeout,
            Token);
        var claimedAfter = Stopwatch.GetElapsedTime(killedAt);
        var survivors = cluster.Silos.Where(s => s != victim).ToList();
        Assert.Contains(survivors.SelectMany(s => s.Process.Output), line => line.Contains("Took over", StringComparison.Ordinal) && line.Contains(stream, StringComparison.Ordinal));
        Assert.True(claimedAfter >= ClaimAfter, $"Entries were acknowledged {claimedAfter.TotalSeconds:0.00} s after the kill, before they could be claimed.");

        // ...and their invalidations applied: the keys the dead consumer held have no value left, for this client too.
        var claimedKeys = leftPending.Select(p => keyOf[p.MessageId.ToString()]).ToList();
        foreach (var key in claimedKeys)
        {
            await Eventually.TrueAsync(async () => await client.Cache.GetAsync<string>(key, Token) is null, $"{key} to be invalidated", SiloProcessCluster.Timeout, Token);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"kill -9 of the stream consumer holding {leftPending.Length} of {Entries} entries unacknowledged: all acknowledged {claimedAfter.TotalSeconds:0.00} s later (claim after {ClaimAfter.TotalSeconds:0.#} s).");
    }
}
