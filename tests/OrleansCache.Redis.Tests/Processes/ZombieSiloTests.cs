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
public sealed class ZombieSiloTests
{
    private const int ClientCount = 3;

    /// <summary>
    /// How long a resumed zombie may take to stop itself: its table refresh (every
    /// <see cref="FastFailureDetectionExtensions.TableRefreshTimeout"/>) is long overdue when it resumes, so it reads at
    /// once that it was declared dead and fails fast; the silos' crash detection bound (4 s) on top covers that read and
    /// the exit on a loaded machine (measured: 2.1–2.6 s).
    /// </summary>
    private static readonly TimeSpan ZombieStopBound = FastFailureDetectionExtensions.TableRefreshTimeout + OwnerKillTests.SiloDetectionBound;

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
        var zombie = await cluster.StartSiloAsync(proxy.ConnectionString);
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

            var writer = clients[0];
            await cluster.WaitForActiveAsync(writer, cluster.Silos, Token);

            // 1. A key the zombie owns, with the value "old" stored by the zombie's activation and held by every client.
            var key = (await OwnerKillTests.KeysOwnedByAsync(cluster, writer, zombie, 1))[0];
            await writer.Cache.SetAsync(key, "old", cancellationToken: Token);
            Assert.Equal(zombie, await cluster.ActivationOfAsync(writer, key));
            var zombieEpoch = (await writer.Cluster.GetGrain<ICacheEntryGrain>(key).GetVersionAsync(Guid.Empty)).Activation;
            foreach (var client in clients)
            {
                await Eventually.TrueAsync(async () => await client.Cache.GetAsync<string>(key, Token) == "old" && client.Serves(key), $"a client to hold {key}", SiloProcessCluster.Timeout, Token);
            }

            // Every client reads the key, round after round, from before the pause until after the zombie is gone.
            var log = new ReadLog();
            using var stopReading = new CancellationTokenSource();
            var readers = clients.Select((client, index) => Task.Run(() => ReadUntilStoppedAsync(log, index, client, key, stopReading.Token), CancellationToken.None)).ToList();

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

            // 4. A new value through the cache: a new activation on a survivor claims the key with a newer epoch and stores it.
            // A write that still reaches the zombie (a gateway that has not yet learned what the others decided) would time
            // out (none did in the runs measured): the cache client does not send a timed-out write again, since it may still take effect; a user
            // would, and so does this test. (Any such attempt is one more write stuck in the zombie, fenced like the first.)
            var timedOutAttempts = 0;
            while (true)
            {
                try
                {
                    await writer.Cache.SetAsync(key, "new", cancellationToken: Token);
                    break;
                }
                catch (TimeoutException ex)
                {
                    timedOutAttempts++;
                    if (Stopwatch.GetElapsedTime(pausedAt) > SiloProcessCluster.Timeout)
                    {
                        throw new TimeoutException($"\"new\" was not acknowledged in {timedOutAttempts} attempts; the zombie is silo {zombie.SiloPort}; the writer's log ends:{Environment.NewLine}{writer.RecentLog(30)}", ex);
                    }
                }
            }

            var acknowledgedAt = Stopwatch.GetTimestamp();
            var acknowledgedAfter = Stopwatch.GetElapsedTime(pausedAt, acknowledgedAt);
            var newVersion = await writer.Cluster.GetGrain<ICacheEntryGrain>(key).GetVersionAsync(Guid.Empty);
            Assert.True(newVersion.Activation > zombieEpoch, $"The new activation's epoch {newVersion.Activation} is not newer than the zombie's {zombieEpoch}.");

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

            // 6. SIGCONT: the zombie finds itself declared dead and stops itself.
            var resumedAt = Stopwatch.GetTimestamp();
            await zombie.Process.ResumeAsync();
            await zombie.Process.WaitForExitAsync(SiloProcessCluster.Timeout);
            var stoppedAfter = Stopwatch.GetElapsedTime(resumedAt, Stopwatch.GetTimestamp());
            var zombieOutcome = await Record.ExceptionAsync(() => zombieWrite.WaitAsync(SiloProcessCluster.Timeout, Token));

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
                + $"its in-flight write (epoch {zombieEpoch}) refused by Redis as fenced (stored version {stored.Version}); it exited {stoppedAfter.TotalSeconds:0.00} s after SIGCONT "
                + $"(exit code {zombie.Process.ExitCode}); its caller got {zombieOutcome?.GetType().Name ?? "an acknowledgement"}; {reads.Count} reads, {failed.Count} failed; "
                + $"bounds: clients {OwnerKillTests.Bound.TotalSeconds:0.#} s, zombie stop {ZombieStopBound.TotalSeconds:0.#} s.");
            foreach (var read in failed)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"failed read: client {read.Client}, began {read.StartedAfter(pausedAt).TotalSeconds:0.00} s after SIGSTOP, took {(read.EndedAfter(pausedAt) - read.StartedAfter(pausedAt)).TotalSeconds:0.00} s: {read.Error}");
            }

            // The zombie's write was never acknowledged, and nobody ever read it.
            Assert.NotNull(zombieOutcome);
            Assert.DoesNotContain(reads, r => r.Value == marker);

            // The zombie stops itself, within the time it takes to read the table it was declared dead in.
            Assert.True(stoppedAfter <= ZombieStopBound, $"The zombie exited {stoppedAfter.TotalSeconds:0.00} s after SIGCONT, past the bound of {ZombieStopBound.TotalSeconds:0.#} s.");

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
            foreach (var client in clients)
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

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static string StoredVersion(CacheVersion version) => OrleansCache.Redis.Storage.StoredEntryFields.FormatVersion(version);
}
