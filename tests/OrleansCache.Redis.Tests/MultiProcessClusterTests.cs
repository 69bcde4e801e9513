using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Runtime.Placement;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Redis.Tests;

public sealed class MultiProcessClusterTests(RedisServer redis)
{
    [Fact]
    public async Task ThreeSiloProcessesOnRedis_FormACluster_SurviveASigkill_AndAClientKeepsWorking()
    {
        var clusterId = $"mp-{Guid.NewGuid():N}";
        var prefix = RedisServer.UniquePrefix();
        string[] args = ["--cluster-id", clusterId, "--silo-port", "0", "--gateway-port", "0", "--redis", redis.ConnectionString, "--redis-prefix", prefix, "--death-timeout", "00:00:03", "--Membership:ProbeInterval=00:00:00.500"];
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SiloProcess.StartAsync(args)));
        await using var a = silos[0];
        await using var b = silos[1];
        await using var c = silos[2];
        var table = new Membership.RedisMembershipTable(Connections.Create(redis, prefix));
        var joined = await table.ReadAllAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, joined.Entries.Count(e => e.Status == SiloStatus.Active));
        var victim = joined.Entries.Single(e => e.GatewayEndPoint == c.Gateway).Silo;

        var options = new OrleansCacheClientOptions { ClusterId = clusterId };
        options.Gateways.Add(a.Gateway);
        options.Gateways.Add(b.Gateway);
        await using var client = OrleansCacheFactory.Create(options);
        var owners = joined.Entries.Select(e => new PlacementCandidate(e.Silo)).OrderBy(p => p.Silo.ToString(), StringComparer.Ordinal).ToList();
        var keys = Enumerable.Range(0, 40).Select(i => $"user:{Guid.NewGuid():N}").ToList();
        var victimKeys = keys.Where(k => victim.Equals(RendezvousPlacement.SelectOwner(new GrainId("cache-entry", k), owners))).ToList();
        Assert.NotEmpty(victimKeys);
        foreach (var key in keys)
        {
            await client.SetAsync(key, 0, cancellationToken: TestContext.Current.CancellationToken);
        }

        // A client working throughout: writes and reads every key, round after round, before, during and after the kill.
        var failures = new List<Exception>();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = Task.Run(async () =>
        {
            var roundsAfter = 0;
            for (var round = 1; roundsAfter < 3; round++)
            {
                var afterKill = killed.Task.IsCompleted;
                foreach (var key in keys)
                {
                    try
                    {
                        await client.SetAsync(key, round, cancellationToken: TestContext.Current.CancellationToken);
                        Assert.Equal(round, await client.GetAsync<int>(key, TestContext.Current.CancellationToken));
                    }
                    catch (Exception ex)
                    {
                        lock (failures)
                        {
                            failures.Add(ex);
                        }
                    }
                }

                roundsAfter += afterKill ? 1 : 0;
            }
        }, TestContext.Current.CancellationToken);

        var revalidated = ((global::OrleansCache.Client.Caching.OrleansCacheClient)client).NextRevalidation();
        await c.KillAsync();
        killed.SetResult();

        // The survivors tell their clients to revalidate (as soon as its connections drop: invalidations from it may
        // have been lost) and declare it dead. The table lives in Redis and raises no event here, so it is read until
        // it shows the victim dead, with a deadline.
        await revalidated.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries.Single(e => e.Silo.Equals(victim)).Status != SiloStatus.Dead)
        {
            Assert.True(DateTime.UtcNow < deadline, "The survivors did not declare the killed silo dead.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }

        await worker.WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);

        Assert.Empty(failures);
        foreach (var key in victimKeys)
        {
            Assert.True((await client.Cluster.GetGrain<ICacheEntryGrain>(key).GetAsync()).Found, $"{key} lost its value when its owner died.");
        }
    }
}
