using System.Diagnostics;
using System.Text;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Redis;
using OrleansCache.TestSupport.Waiting;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>
/// The zombie (issue 14): the silo that owns a key is paused (SIGSTOP) past the death timeout with a write of the key
/// in flight, the cluster declares it dead and moves on, and then it resumes still believing it owns its grains. Three
/// silo processes on Redis clustering and Redis entry storage; the zombie reaches Redis through a proxy that can delay
/// its commands, so its in-flight write arrives at Redis only after the cluster declared it dead: deterministically,
/// with no hook in the product.
/// </summary>
public sealed partial class ZombieSiloTests
{
    private const int ClientCount = 3;

    /// <summary>
    /// How long a resumed zombie may take to stop itself once it can reach Redis: its table refresh (every
    /// <see cref="FastFailureDetectionExtensions.TableRefreshTimeout"/>) is long overdue when it resumes, so it reads at
    /// once that it was declared dead and fails fast; the silos' crash detection bound (4 s) on top covers that read and
    /// the exit on a loaded machine (measured: 2.1–2.6 s). StackExchange.Redis may have dropped its connection while
    /// Redis did not answer: then it connects again first, within <see cref="RedisCacheOptions.ReconnectDelayLimit"/>
    /// and the once-a-second heartbeat that makes the attempt.
    /// </summary>
    private static readonly TimeSpan ZombieStopBound =
        FastFailureDetectionExtensions.TableRefreshTimeout + OwnerKillTests.SiloDetectionBound + new RedisCacheOptions().ReconnectDelayLimit + TimeSpan.FromSeconds(1);

    /// <summary>How soon other clients see an acknowledged change without faults (docs/consistency.md, G4).</summary>
    private static readonly TimeSpan DeliveryBound = TimeSpan.FromSeconds(1);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ZombieOwner_InFlightWriteArrivesAfterItWasDeclaredDead_StorageRefusesIt_NoAcknowledgedWriteLost_NoOldReadAfterTheBound_AndItStopsItself()
    {
        await using var redis = await RedisServerProcess.StartAsync();

        // The zombie's only way to Redis (clustering and storage alike). Holding it is the network delaying the packets
        // of a write the zombie sent just before it froze; without it the write would reach Redis before the pause (and
        // be a legitimate write of a live owner), or after SIGCONT in a race with the zombie's own suicide.
        await using var proxy = HoldingTcpProxy.Start(redis.Port);
        await using var cluster = await SiloProcessCluster.StartAsync(redis, 2);
        // The zombie must own keys, so it must host a partition.
        var zombie = await cluster.StartSiloHostingAPartitionAsync(proxy.ConnectionString, Token);
        var survivors = cluster.Silos.Where(s => s != zombie).ToList();
        var clients = new List<CacheClientHost>();
        try
        {
            // Clients know the survivors' gateways only. An Orleans client sends every call for a grain through the same
            // gateway (picked by the grain's hash), and a frozen silo's connections never break: a client with the
            // zombie's gateway in a static list whose key hashes to it gets only timeouts until the zombie exits after
            // SIGCONT (docs/reliability.md). The zombie is still reached silo-to-silo, which is what this test is about.
            for (var i = 0; i < ClientCount; i++)
            {
                clients.Add(await CacheClientHost.StartAsync(cluster.ClusterId, survivors.Select(s => s.Process.Gateway), Token));
            }

            // One more client knows only the zombie's gateway: its calls wait in the frozen silo's socket buffers and
            // are handled by the zombie itself when it resumes, before it has read that it was declared dead.
            var ownGatewayClient = await CacheClientHost.StartAsync(cluster.ClusterId, [zombie.Process.Gateway], Token);
            clients.Add(ownGatewayClient);

            var writer = clients[0];
            await cluster.WaitForActiveAsync(writer, cluster.Silos, Token);

            // 1. A key the zombie owns, with the value "old" stored by the zombie's activation and held by every client.
            // A second key it owns, "idle", has no write in flight, so its activation is free to answer a read at once
            // when the zombie resumes (a read of the first key queues behind the held write and ends with it).
            var owned = await OwnerKillTests.KeysOwnedByAsync(cluster, writer, zombie, 2);
            var key = owned[0];
            var idleKey = owned[1];
            await writer.Cache.SetAsync(key, "old", cancellationToken: Token);
            await writer.Cache.SetAsync(idleKey, "old", cancellationToken: Token);
            Assert.Equal(zombie, await cluster.ActivationOfAsync(writer, key));
            Assert.Equal(zombie, await cluster.ActivationOfAsync(writer, idleKey));
            await Eventually.TrueAsync(async () => await ownGatewayClient.Cache.GetAsync<string>(idleKey, Token) == "old" && ownGatewayClient.Serves(idleKey), $"the zombie's own gateway's client to hold {idleKey}", SiloProcessCluster.Timeout, Token);
            var zombieEpoch = (await writer.Cluster.GetGrain<ICacheEntryGrain>(key).GetVersionAsync(Guid.Empty)).Activation;
            foreach (var client in clients)
            {
                await Eventually.TrueAsync(async () => await client.Cache.GetAsync<string>(key, Token) == "old" && client.Serves(key), $"a client to hold {key}", SiloProcessCluster.Timeout, Token);
            }

            // Every client reads the key, round after round, from before the pause until after the zombie is gone.
            var log = new ReadLog();
            using var stopReading = new CancellationTokenSource();
            var readers = clients.Take(ClientCount).Select((client, index) => Task.Run(() => ReadUntilStoppedAsync(log, index, client, key, stopReading.Token), CancellationToken.None)).ToList();

            // 2. A write in flight inside the zombie: its activation takes it, publishes it, and sends the change to Redis,
            // where the proxy keeps it. Called on the key's grain, not through the cache, so nothing retries it elsewhere:
            // this write is the zombie's and only the zombie's.
            await proxy.HoldAsync();
            var marker = $"zombie-{Guid.NewGuid():N}";
            var markerBytes = Encoding.UTF8.GetBytes(marker);
            var zombieWrite = writer.Cluster.GetGrain<ICacheEntryGrain>(key).SetAsync(markerBytes, CacheWriteOptions.Default, Guid.Empty);
            await Eventually.TrueAsync(() => proxy.HeldContains(markerBytes), "the zombie to send its write's storage change", SiloProcessCluster.Timeout, Token);

            // 3. SIGSTOP, and wait until the survivors have declared the zombie dead (its status in the membership, not a
            // duration): only from then on is its write one "after the cluster declared it dead".
            var pausedAt = Stopwatch.GetTimestamp();
            await zombie.Process.PauseAsync();
            await WaitForDeadAsync(redis, cluster, zombie);
            var declaredDeadAt = Stopwatch.GetTimestamp();
            var deadAfter = Stopwatch.GetElapsedTime(pausedAt, declaredDeadAt);

            // 4. New values of both keys through the cache: new activations on survivors claim them with newer epochs and
            // store them.
            var timedOutAttempts = await SetAgainOnTimeoutAsync(writer, idleKey, "new", pausedAt, zombie);
            timedOutAttempts += await SetAgainOnTimeoutAsync(writer, key, "new", pausedAt, zombie);
            var acknowledgedAt = Stopwatch.GetTimestamp();
            var acknowledgedAfter = Stopwatch.GetElapsedTime(pausedAt, acknowledgedAt);
            var newVersion = await writer.Cluster.GetGrain<ICacheEntryGrain>(key).GetVersionAsync(Guid.Empty);
            Assert.True(newVersion.Activation > zombieEpoch, $"The new activation's epoch {newVersion.Activation} is not newer than the zombie's {zombieEpoch}.");

            // The zombie's own gateway's client reads the key after "new" was acknowledged and after the delivery bound.
            // Its copy is distrusted by now (its feeds are silent: their messages come through the frozen gateway), so
            // the read is sent to the zombie, where it waits until SIGCONT. Whatever answers it then must not be "old".
            var ownGatewayReadFrom = acknowledgedAt + Ticks(DeliveryBound);
            await Eventually.TrueAsync(() => !ownGatewayClient.Serves(idleKey), "the zombie's own gateway's client to stop serving its copy", SiloProcessCluster.Timeout, Token);
            var untilReadFrom = TimeSpan.FromSeconds((double)(ownGatewayReadFrom - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            if (untilReadFrom > TimeSpan.Zero)
            {
                // Not a wait for an event: the read must begin after a point in time, the acknowledgement plus the bound.
                await Task.Delay(untilReadFrom, Token);
            }

            var ownGatewayLog = new ReadLog();
            using var stopOwnGatewayReading = new CancellationTokenSource();
            var ownGatewayReader = Task.Run(() => ReadUntilStoppedAsync(ownGatewayLog, ClientCount, ownGatewayClient, idleKey, stopOwnGatewayReading.Token), CancellationToken.None);

            // 5. The zombie's write reaches Redis now, after its death and the new claim: storage must refuse it by the
            // fence (the claim epoch), and the reply Redis sends back says so.
            await proxy.ReleaseAsync();
            await Eventually.TrueAsync(() => proxy.AnsweredAfterReleaseContains("\r\nfenced\r\n"u8), "Redis to refuse the zombie's write as fenced", SiloProcessCluster.Timeout, Token);
            var stored = await StoredAsync(redis, key);
            Assert.Equal(StoredVersion(newVersion), stored.Version);
            Assert.True(stored.Value.AsSpan().IndexOf(markerBytes) < 0, "Storage holds the zombie's value.");

            // Whatever else the zombie had sent to Redis before the pause (membership traffic included) arrived late as
            // well, and must not have brought it back to life in the membership table.
            await WaitForDeadAsync(redis, cluster, zombie);

            // 6. SIGCONT, with the zombie's way to Redis held again. It learns that it was declared dead only by reading the
            // membership table there; resumed, it would read it within a tenth of a second, and the calls waiting in its
            // sockets would race that read. Held, it runs on for as long as the test needs, not knowing: every call that
            // reached it while it stood still is handled by a silo that believes it owns the key.
            await proxy.HoldAsync();
            var resumedAt = Stopwatch.GetTimestamp();
            await zombie.Process.ResumeAsync();

            // The read of the zombie's own gateway's client reaches the idle key's old activation, which holds "old". The
            // zombie must notice that it stood still and answer nothing from memory until the membership, which it cannot
            // read, shows it alive: it says so, tries, and gives up on that read when Redis does not answer.
            // Unless a write of "new" that timed out in step 4 went to the zombie: then that write reaches the idle
            // activation first, its storage change times out, and the activation deactivates, "old" and all; the read
            // behind it goes to a new activation, which cannot claim the key without Redis.
            var idleActivationGone = $"A storage change of {idleKey} failed";
            try
            {
                await Eventually.TrueAsync(
                    () => zombie.Process.Output.Any(l => StallUnconfirmed().IsMatch(l) || l.Contains(idleActivationGone, StringComparison.Ordinal)) || ownGatewayLog.Snapshot().Any(r => r.Value is not null),
                    "the zombie to give up confirming its membership or to drop its idle activation, or its own gateway's client to read a value",
                    SiloProcessCluster.Timeout,
                    Token);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException(await DescribeStuckZombieAsync(ex.Message, zombie, idleKey, resumedAt, ownGatewayLog, ownGatewayClient), ex);
            }

            // Now it may read the table: it finds itself dead and stops itself.
            var releasedAgainAt = Stopwatch.GetTimestamp();
            await proxy.ReleaseAsync();
            await zombie.Process.WaitForExitAsync(SiloProcessCluster.Timeout);
            var stoppedAfter = Stopwatch.GetElapsedTime(releasedAgainAt, Stopwatch.GetTimestamp());
            var zombieOutcome = await Record.ExceptionAsync(() => zombieWrite.WaitAsync(SiloProcessCluster.Timeout, Token));
            // The zombie's own gateway's client has no gateway left: its reading ends here.
            await stopOwnGatewayReading.CancelAsync();
            await ownGatewayReader;
            var ownGatewayReads = ownGatewayLog.Snapshot();

            // Clients go on reading for a few rounds that began after the bound and after the zombie was gone. The bound
            // starts at the later of the pause and the acknowledgement of "new": until "new" is acknowledged, "old" is the
            // key's latest value (the new owner reads it back from storage) and reading it is no staleness.
            var staleFrom = Math.Max(pausedAt + Ticks(OwnerKillTests.Bound), acknowledgedAt) + Ticks(DeliveryBound);
            var checkFrom = Math.Max(staleFrom, Stopwatch.GetTimestamp());
            try
            {
                await Eventually.TrueAsync(
                    () => Enumerable.Range(0, ClientCount).All(c => log.Snapshot().Count(r => r.Client == c && r.Started > checkFrom) >= 3),
                    "every client to read the key three times after the bound and after the zombie exited",
                    SiloProcessCluster.Timeout * 2,
                    Token);
            }
            catch (TimeoutException ex)
            {
                var states = readers.Select((r, i) => $"reader {i}: {r.Status} {r.Exception?.InnerException?.GetType().Name} {r.Exception?.InnerException?.Message}; last read {log.Snapshot().LastOrDefault(x => x.Client == i)}{Environment.NewLine}{clients[i].RecentLog(8)}");
                throw new TimeoutException($"{ex.Message}{Environment.NewLine}{string.Join(Environment.NewLine, states)}", ex);
            }
            await stopReading.CancelAsync();
            await Task.WhenAll(readers);
            var reads = log.Snapshot();
            var failed = reads.Where(r => r.Error is not null).ToList();

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"zombie: declared dead {deadAfter.TotalSeconds:0.00} s after SIGSTOP; \"new\" acknowledged {acknowledgedAfter.TotalSeconds:0.00} s after SIGSTOP ({timedOutAttempts} attempts timed out before); "
                + $"its in-flight write (epoch {zombieEpoch}) refused by Redis as fenced (stored version {stored.Version}); it exited {stoppedAfter.TotalSeconds:0.00} s after it could read the membership again ({Stopwatch.GetElapsedTime(resumedAt, releasedAgainAt).TotalSeconds:0.00} s after SIGCONT) "
                + $"(exit code {zombie.Process.ExitCode}); its caller got {zombieOutcome?.GetType().Name ?? "an acknowledgement"}; {reads.Count} reads, {failed.Count} failed; "
                + $"bounds: clients {OwnerKillTests.Bound.TotalSeconds:0.#} s, zombie stop {ZombieStopBound.TotalSeconds:0.#} s; "
                + $"the zombie's own gateway's client read {idleKey} from the bound until the zombie exited: "
                + string.Join(", ", ownGatewayReads.GroupBy(r => r.Value ?? r.Error?.Split(':')[0] ?? "missing").Select(g => $"{g.Key} {g.Count()}x")) + ".");
            foreach (var read in failed)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"failed read: client {read.Client}, began {read.StartedAfter(pausedAt).TotalSeconds:0.00} s after SIGSTOP, took {(read.EndedAfter(pausedAt) - read.StartedAfter(pausedAt)).TotalSeconds:0.00} s: {read.Error}");
            }

            // The zombie's write was never acknowledged, and nobody ever read it.
            Assert.NotNull(zombieOutcome);
            Assert.DoesNotContain(reads, r => r.Value == marker);

            // A read through the zombie's own gateway that began after "new" was acknowledged never returns "old": the
            // zombie, resumed, does not answer from the memory of an activation the cluster has replaced.
            var oldThroughTheZombie = ownGatewayReads.Where(r => r.Value == "old").ToList();
            Assert.True(oldThroughTheZombie.Count == 0, $"The zombie's own gateway's client read \"old\" {oldThroughTheZombie.Count} times after \"new\" was acknowledged and the delivery bound, first at {oldThroughTheZombie.FirstOrDefault()?.EndedAfter(resumedAt).TotalSeconds:0.00} s after SIGCONT.");

            // The zombie stops itself once it can read the table it was declared dead in, within the time that takes.
            Assert.True(stoppedAfter <= ZombieStopBound, $"The zombie exited {stoppedAfter.TotalSeconds:0.00} s after it could read the membership again, past the bound of {ZombieStopBound.TotalSeconds:0.#} s.");

            // No read failed, except with a timeout and only if it began before the zombie was declared dead: a call that
            // reaches a frozen silo gets no answer, and Orleans cannot tell it from a slow one until the cluster gives up on
            // the silo (the client's ResponseTimeout, 10 s). The cache client does not send a timed-out call again.
            Assert.All(failed, r => Assert.True(r.Error!.StartsWith(nameof(TimeoutException), StringComparison.Ordinal) || r.Error.StartsWith(nameof(ReadCanceledException), StringComparison.Ordinal), $"client {r.Client} read {r.StartedAfter(pausedAt).TotalSeconds:0.00} s after SIGSTOP: {r.Error}"));
            Assert.All(failed, r => Assert.True(r.Started < declaredDeadAt, $"client {r.Client} read {r.StartedAfter(pausedAt).TotalSeconds:0.00} s after SIGSTOP, after the zombie was declared dead, and failed: {r.Error}"));

            // No acknowledged write lost, no read went back, and after the bound every read returns "new".
            Assert.All(reads.Where(r => r.Error is null), r => Assert.True(r.Value is "old" or "new", $"client {r.Client} read '{r.Value}'"));
            Assert.DoesNotContain(reads.Where(r => r.Error is null).GroupBy(r => r.Client), g => g.OrderBy(r => r.Started).SkipWhile(r => r.Value == "old").Any(r => r.Value == "old"));
            var staleAfterBound = reads.Where(r => r.Started > staleFrom && r.Value != "new").ToList();
            Assert.True(staleAfterBound.Count == 0, $"{staleAfterBound.Count} reads began after the bound and did not return \"new\", e.g. {staleAfterBound.FirstOrDefault()}");
            foreach (var client in clients.Take(ClientCount))
            {
                Assert.Equal("new", await client.Cache.GetAsync<string>(key, Token));
            }

            // Storage, after the zombie's last chance to write: still the new activation's value and version.
            Assert.Equal(StoredVersion(newVersion), (await StoredAsync(redis, key)).Version);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Sets <paramref name="key"/> through the cache, again after each timeout, and returns how many attempts timed out.
    /// A write that still reaches the zombie (a gateway that has not yet learned what the others decided) times out:
    /// the cache client does not send a timed-out write again, since it may still take effect; a user would, and so does
    /// this test. (Any such attempt is one more write stuck in the zombie, fenced like the first.)
    /// </summary>
    private static async Task<int> SetAgainOnTimeoutAsync(CacheClientHost writer, string key, string value, long pausedAt, ClusterSilo zombie)
    {
        var timedOutAttempts = 0;
        while (true)
        {
            try
            {
                await writer.Cache.SetAsync(key, value, cancellationToken: Token);
                return timedOutAttempts;
            }
            catch (TimeoutException ex)
            {
                timedOutAttempts++;
                if (Stopwatch.GetElapsedTime(pausedAt) > SiloProcessCluster.Timeout)
                {
                    throw new TimeoutException($"\"{value}\" was not acknowledged for {key} in {timedOutAttempts} attempts; the zombie is silo {zombie.SiloPort}; the writer's log ends:{Environment.NewLine}{writer.RecentLog(30)}", ex);
                }
            }
        }
    }

    /// <summary>
    /// Waits until the cluster's membership table in Redis lists <paramref name="silo"/> as dead: the survivors' verdict
    /// itself, read where they wrote it (asking a client's management grain could land on the paused silo).
    /// </summary>
    private static async Task WaitForDeadAsync(RedisServerProcess redis, SiloProcessCluster cluster, ClusterSilo silo)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var server = connection.GetServer(redis.ConnectionString);
        var field = $"S127.0.0.1:{silo.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}:";
        await Eventually.TrueAsync(
            async () =>
            {
                await foreach (var table in server.KeysAsync(pattern: $"*/members/{cluster.ClusterId}"))
                {
                    foreach (var entry in await connection.GetDatabase().HashGetAllAsync(table))
                    {
                        if (entry.Name.ToString().StartsWith(field, StringComparison.Ordinal)
                            && IsDead(entry.Value.ToString()))
                        {
                            return true;
                        }
                    }
                }

                return false;
            },
            $"silo {silo.SiloPort} to be declared dead in the membership table",
            SiloProcessCluster.Timeout,
            Token);
    }

    /// <summary>Whether a membership entry (Orleans' JSON of it) has the status Dead.</summary>
    private static bool IsDead(string entry)
    {
        using var json = System.Text.Json.JsonDocument.Parse(entry);
        return json.RootElement.GetProperty("Status").GetInt32() == (int)SiloStatus.Dead;
    }

    private static async Task ReadUntilStoppedAsync(ReadLog log, int index, CacheClientHost client, string key, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await log.RecordAsync(index, key, async () =>
            {
                try
                {
                    return await client.Cache.GetAsync<string>(key, Token);
                }
                catch (OperationCanceledException ex) when (!Token.IsCancellationRequested)
                {
                    // Nobody cancelled this read, so it is a failed read, recorded like any other (ReadLog lets
                    // cancellations through, which would end this reader).
                    throw new ReadCanceledException(ex);
                }
            });

            // Pacing, so near-cache hits do not spin a core.
            await Task.Delay(TimeSpan.FromMilliseconds(5), CancellationToken.None);
        }
    }

    /// <summary>The entry Redis holds for <paramref name="key"/>: its value and version fields, read straight from Redis.</summary>
    private static async Task<(byte[] Value, string Version)> StoredAsync(RedisServerProcess redis, string key)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var server = connection.GetServer(redis.ConnectionString);
        var entries = new List<RedisKey>();
        await foreach (var found in server.KeysAsync(pattern: $"*entry:{key}"))
        {
            entries.Add(found);
        }

        var entry = Assert.Single(entries);
        var fields = await connection.GetDatabase().HashGetAsync(entry, ["v", "ver"]);
        return ((byte[])fields[0]!, (string)fields[1]!);
    }

    /// <summary>The silo's log line when it cannot read the membership after a stall (event 4303).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"After standing still, this silo cannot read the cluster's membership")]
    private static partial System.Text.RegularExpressions.Regex StallUnconfirmed();

    /// <summary>
    /// What a test that waited in vain for the resumed zombie needs to say: the zombie's state and what it logged about
    /// the idle key (its whole log goes to a file beside the test assembly), and what its own gateway's client read and
    /// logged.
    /// </summary>
    private static async Task<string> DescribeStuckZombieAsync(string waited, ClusterSilo zombie, string idleKey, long resumedAt, ReadLog ownGatewayLog, CacheClientHost ownGatewayClient)
    {
        var zombieLog = zombie.Process.Output;
        var fullLog = Path.Combine(AppContext.BaseDirectory, $"zombie-{zombie.Process.Id}.log");
        await File.WriteAllLinesAsync(fullLog, zombieLog, CancellationToken.None);
        var ownReads = ownGatewayLog.Snapshot().Select(r => $"began {r.StartedAfter(resumedAt).TotalSeconds:0.00} s after SIGCONT, took {(r.EndedAfter(resumedAt) - r.StartedAfter(resumedAt)).TotalSeconds:0.00} s: {r.Value ?? r.Error}");
        var lines = new List<string>
        {
            waited,
            $"The zombie {(zombie.Process.HasExited ? $"exited with code {zombie.Process.ExitCode}" : "still runs")} (its whole log: {fullLog}); what it logged about {idleKey}:",
        };
        lines.AddRange(zombieLog.Where(l => l.Contains(idleKey, StringComparison.Ordinal)).Take(10).Select(l => Shorten(l, 600)));
        lines.Add("and its log ends:");
        lines.AddRange(zombie.Process.LastLines(30).Select(l => Shorten(l, 400)));
        lines.Add("Its own gateway's client read:");
        lines.AddRange(ownReads.TakeLast(20));
        lines.Add("and logged:");
        lines.Add(ownGatewayClient.RecentLog(30));
        return string.Join(Environment.NewLine, lines);
    }

    private static string Shorten(string line, int length) => line.Length <= length ? line : line[..length] + "...";

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static string StoredVersion(CacheVersion version) => OrleansCache.Redis.Storage.StoredEntryFields.FormatVersion(version);
}
