using OrleansCache.Client;
using OrleansCache.TestSupport.Redis;
using OrleansCache.TestSupport.Waiting;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>
/// Redis restarts (killed and started again on its port, its append-only file kept) under a running cluster of silo
/// processes started with the README's bridge flags: the cluster keeps its members and entries, the bridge
/// resubscribes and invalidations flow again.
/// </summary>
public sealed class RedisRestartTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedisRestarted_ClusterKeepsItsMembersAndEntries_BridgeResubscribes_AndInvalidationsFlowAgain()
    {
        var data = Directory.CreateTempSubdirectory("orleanscache-redis-");
        try
        {
            await using var redis = await RedisServerProcess.StartAsync(data.FullName);
            await using var cluster = await ReadmeBridgeCluster.StartReadmeClusterAsync(redis, 3);
            await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");
            await using var writer = await cluster.ConnectClientAsync(Token);
            await using var reader = await cluster.ConnectClientAsync(Token);
            CacheClientHost[] clients = [writer, reader];
            await cluster.WaitForActiveAsync(writer, cluster.Silos, Token);
            await ReadmeBridgeCluster.WaitForBridgeAsync(connection, 3, Token);

            var id = Guid.NewGuid().ToString("N");
            var durable = $"order:{id}";
            var watched = $"{ReadmeBridgeCluster.KeyspacePrefix}{id}";
            await Holding.HoldAsync(clients, Token, durable, watched);

            // Messages published while the bridge was cut off are lost, so it invalidates the prefixes they could name.
            var keyspacePrefix = $"{ReadmeBridgeCluster.KeyspacePrefix}*";
            using (var resynced = new Watches(clients.Select(c => InvalidationWatch.Of(c.Cache, CacheInvalidationKind.Pattern, keyspacePrefix))))
            {
                await redis.RestartAsync();
                await resynced.AllSeenAsync();
            }

            await ReadmeBridgeCluster.WaitForBridgeAsync(connection, 3, Token);
            await cluster.WaitForActiveAsync(reader, cluster.Silos, Token);

            // Entries written before the restart are still there (an acknowledged write is in Redis' append-only file).
            Assert.Equal(Holding.ValueOf(durable), await reader.Cache.GetAsync<string>(durable, Token));

            // Every inbound path works again: keyspace notifications, pub/sub, the stream. A silo may resynchronize more
            // than once (Redis refuses commands while it loads its file, and a connection can drop again), and each
            // resynchronization drops the keyspace prefix's copies: the keyspace step counts only if none ran meanwhile.
            await WithoutResynchronizationAsync(cluster, async () =>
            {
                await Holding.HoldAsync(clients, Token, watched);
                using var drops = new Watches(clients.Select(c => InvalidationWatch.Dropped(c.Cache, watched)));
                await Interop.RunAsync("redis-cli", "-p", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "SET", watched, "changed by another service");
                await drops.AllSeenAsync();
            });

            // Each step below names a key of its own: a bridge message may be applied twice (a silo that joined less than
            // RedisBridge:ViewChangeGrace ago still applies what it was chosen for under the view before), and a late
            // duplicate must neither stand in for the next step's message nor remove the next step's value.
            var batched = $"order:{Guid.NewGuid():N}";
            await Holding.HoldAsync(clients, Token, batched);
            using (var drops = new Watches(clients.Select(c => InvalidationWatch.Dropped(c.Cache, batched))))
            {
                var receivers = await connection.GetSubscriber().PublishAsync(RedisChannel.Literal(ReadmeBridgeCluster.CanonicalChannel), $$"""{"action":"batch","entity_ids":["{{batched}}"]}""");
                Assert.Equal(3, receivers);
                await drops.AllSeenAsync();
            }

            var streamed = Guid.NewGuid().ToString("N");
            await Holding.HoldAsync(clients, Token, $"order:{streamed}");
            using (var drops = new Watches(clients.Select(c => InvalidationWatch.Dropped(c.Cache, $"order:{streamed}"))))
            {
                await connection.GetDatabase().StreamAddAsync(ReadmeBridgeCluster.StreamKey, "payload", $$"""{"action":"invalidate","entity_type":"Order","entity_id":"{{streamed}}"}""");
                await drops.AllSeenAsync();
            }

            // And the cache itself: one client's write reaches the other's near-cache.
            var written = $"order:{Guid.NewGuid():N}";
            await Holding.HoldAsync(clients, Token, written);
            using (var drops = new Watches([InvalidationWatch.Dropped(reader.Cache, written)]))
            {
                await writer.Cache.SetAsync(written, "after the restart", cancellationToken: Token);
                await drops.AllSeenAsync();
            }

            Assert.Equal("after the restart", await reader.Cache.GetAsync<string>(written, Token));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Runs <paramref name="step"/> once every silo's resynchronizations are done, again (up to three times) if one
    /// began while it ran.
    /// </summary>
    private static async Task WithoutResynchronizationAsync(SiloProcessCluster cluster, Func<Task> step)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Eventually.TrueAsync(
                    () => cluster.Silos.All(s => Count(s, "[5208]") >= 1 && Count(s, "[5208]") + Count(s, "[5205]") == Count(s, "[5204]")),
                    "every silo's bridge to finish resynchronizing",
                    SiloProcessCluster.Timeout,
                    Token);
            }
            catch (TimeoutException ex)
            {
                var lines = cluster.Silos.SelectMany(s => s.Process.Output.Where(l => l.Contains("Redis bridge", StringComparison.Ordinal)).Select(l => $"{s.SiloPort}: {l}"));
                throw new TimeoutException($"{ex.Message} The silos' bridge lines:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}", ex);
            }
            var started = cluster.Silos.Sum(s => Count(s, "[5204]"));
            try
            {
                await step();
            }
            catch (TimeoutException) when (attempt < 3 && cluster.Silos.Sum(s => Count(s, "[5204]")) != started)
            {
                continue;
            }

            if (cluster.Silos.Sum(s => Count(s, "[5204]")) == started || attempt == 3)
            {
                return;
            }
        }
    }

    /// <summary>How many times the silo logged the bridge event (its console log shows event ids as <c>[5204]</c>).</summary>
    private static int Count(ClusterSilo silo, string bridgeEvent) =>
        silo.Process.Output.Count(l => l.Contains("Redis bridge", StringComparison.Ordinal) && l.Contains(bridgeEvent, StringComparison.Ordinal));
}
