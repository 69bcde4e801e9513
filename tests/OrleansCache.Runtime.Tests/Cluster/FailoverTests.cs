using System.Diagnostics;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Runtime.Tests.Cluster;

public sealed class FailoverTests
{
    [Fact]
    public async Task KillingOwner_NextCallViaSurvivor_SucceedsOnNewActivationWithinDetectionBound()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        var key = Keys.Unique("user");
        var owner = cluster.OwnerOf<ISequenceGrain>(key);
        var survivor = cluster.Silos.First(s => s != owner);
        var client = await cluster.CreateClientAsync(gateway: survivor, cancellationToken: TestContext.Current.CancellationToken);
        var grain = client.GetGrain<ISequenceGrain>(key);
        var before = await grain.NextAsync();
        Assert.Equal(owner.Address.ToString(), before.Silo);

        await cluster.KillSiloAsync(owner, TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        var after = await grain.NextAsync();
        clock.Stop();

        Assert.NotEqual(before.ActivationId, after.ActivationId);
        Assert.NotEqual(owner.Address.ToString(), after.Silo);
        Assert.Equal(1, after.Count);
        // Detection bound: death timeout plus a probe interval; the margin covers a loaded 2-core machine.
        var bound = cluster.Options.DeathTimeout + cluster.Options.ProbeInterval + TimeSpan.FromSeconds(3);
        Assert.True(clock.Elapsed < bound, $"The call took {clock.Elapsed}, more than the detection bound {bound}.");
        Assert.NotEqual(before.Epoch, after.Epoch);
    }

    [Fact]
    public async Task KilledSilo_IsDeclaredDeadInTable_AndLeavesEveryView()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        var victim = cluster.Silos[2];

        await cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);
        await cluster.WaitForStableViewAsync(cancellationToken: TestContext.Current.CancellationToken);

        var table = await cluster.MembershipTable.ReadAllAsync(TestContext.Current.CancellationToken);
        Assert.Equal(SiloStatus.Dead, table.Entries.Single(e => e.Silo.Equals(victim.Address)).Status);
        Assert.All(cluster.Silos, s => Assert.DoesNotContain(s.Silo.View.Owners, o => o.Silo.Equals(victim.Address)));
    }

    [Fact]
    public async Task GracefulStop_DeactivatesActivations_AndCallsMeanwhileSucceed()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        var victim = cluster.Silos[1];
        var clients = new[]
        {
            await cluster.CreateClientAsync(gateway: cluster.Silos[0], cancellationToken: TestContext.Current.CancellationToken),
            await cluster.CreateClientAsync(gateway: victim, cancellationToken: TestContext.Current.CancellationToken),
            await cluster.CreateClientAsync(gateway: cluster.Silos[2], cancellationToken: TestContext.Current.CancellationToken),
        };
        var keys = Enumerable.Range(0, 12).Select(_ => cluster.KeyOwnedBy<ISequenceGrain>(victim)).ToList();
        foreach (var key in keys)
        {
            await cluster.Client.GetGrain<ISequenceGrain>(key).NextAsync();
        }

        var failures = new List<Exception>();
        var afterStop = 0;
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = clients.Select(client => Task.Run(async () =>
        {
            // Calls before, during and after the stop; each worker finishes two rounds after it completed.
            var roundsAfterStop = 0;
            while (roundsAfterStop < 2)
            {
                var stopDoneAtStart = stopped.Task.IsCompleted;
                foreach (var key in keys)
                {
                    try
                    {
                        await client.GetGrain<ISequenceGrain>(key).NextAsync();
                    }
                    catch (Exception ex)
                    {
                        lock (failures)
                        {
                            failures.Add(ex);
                        }
                    }
                }

                if (stopDoneAtStart)
                {
                    roundsAfterStop++;
                    Interlocked.Increment(ref afterStop);
                }
            }
        })).ToList();

        await cluster.StopSiloAsync(victim, TestContext.Current.CancellationToken);
        stopped.SetResult();
        await Task.WhenAll(workers).WaitAsync(Clusters.Timeout, TestContext.Current.CancellationToken);

        Assert.Empty(failures);
        Assert.Equal(6, afterStop);
        foreach (var key in keys)
        {
            Assert.Contains(DeactivationReason.SiloShuttingDown, GrainProbe.For(key).Deactivations);
            Assert.NotSame(victim, cluster.OwnerOf<ISequenceGrain>(key));
        }

        var table = await cluster.MembershipTable.ReadAllAsync(TestContext.Current.CancellationToken);
        Assert.Equal(SiloStatus.Dead, table.Entries.Single(e => e.Silo.Equals(victim.Address)).Status);
    }

    [Fact]
    public async Task RestartedSilo_RejoinsWithNewGeneration_OnSameEndpoint()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        var old = cluster.Silos[1];

        var restarted = await cluster.RestartSiloAsync(old, TestContext.Current.CancellationToken);

        Assert.Equal(old.Address.EndPoint, restarted.Address.EndPoint);
        Assert.True(restarted.Address.Generation > old.Address.Generation);
        var key = cluster.KeyOwnedBy<ISequenceGrain>(restarted);
        var result = await cluster.Client.GetGrain<ISequenceGrain>(key).NextAsync();
        Assert.Equal(restarted.Address.ToString(), result.Silo);
    }

    [Fact]
    public async Task AdditionalSilo_TakesOverSomeGrains_AndOldActivationsMove()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        var keys = Enumerable.Range(0, 30).Select(_ => Keys.Unique()).ToList();
        foreach (var key in keys)
        {
            await cluster.Client.GetGrain<ISequenceGrain>(key).NextAsync();
        }

        var added = await cluster.StartAdditionalSiloAsync(TestContext.Current.CancellationToken);
        var moved = keys.Where(k => cluster.OwnerOf<ISequenceGrain>(k) == added).ToList();
        Assert.NotEmpty(moved);

        foreach (var key in moved)
        {
            await GrainProbe.For(key).WhenAsync(p => p.Deactivations.Contains(DeactivationReason.OwnershipChanged), Clusters.Timeout);
            var result = await cluster.Client.GetGrain<ISequenceGrain>(key).NextAsync();
            Assert.Equal(added.Address.ToString(), result.Silo);
        }
    }
}
