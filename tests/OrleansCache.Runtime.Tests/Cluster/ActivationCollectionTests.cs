using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestingHost;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace OrleansCache.Runtime.Tests.Cluster;

public sealed class ActivationCollectionTests
{
    [Fact]
    public async Task IdleActivation_IsDeactivatedAfterIdleTimeout_DrivenByManualClock()
    {
        var clock = new ManualTimeProvider();
        await using var cluster = await StartOnManualClockAsync(clock);
        var silo = cluster.Silos[0];
        var key = Keys.Unique();
        var probe = GrainProbe.For(key);
        await cluster.Client.GetGrain<ISequenceGrain>(key).NextAsync();

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(probe.Deactivations);
        Assert.Contains(silo.ActiveGrains, g => g.Key == key);

        clock.Advance(TimeSpan.FromMinutes(2));
        await probe.WhenAsync(p => p.Deactivations.Count == 1, Clusters.Timeout);

        Assert.Equal([DeactivationReason.IdleTimeout], probe.Deactivations);
        // The next call creates a fresh activation, whose state starts over.
        Assert.Equal(1, (await cluster.Client.GetGrain<ISequenceGrain>(key).NextAsync()).Count);
        Assert.Equal(2, probe.Activations.Count);
    }

    [Fact]
    public async Task RecentlyUsedActivation_SurvivesCollection()
    {
        var clock = new ManualTimeProvider();
        await using var cluster = await StartOnManualClockAsync(clock);
        var idle = Keys.Unique("idle");
        var busy = Keys.Unique("busy");
        await cluster.Client.GetGrain<ISequenceGrain>(idle).NextAsync();

        for (var minute = 0; minute < 12; minute++)
        {
            await cluster.Client.GetGrain<ISequenceGrain>(busy).NextAsync();
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        await GrainProbe.For(idle).WhenAsync(p => p.Deactivations.Count == 1, Clusters.Timeout);
        Assert.Empty(GrainProbe.For(busy).Deactivations);
        Assert.Equal(13, (await cluster.Client.GetGrain<ISequenceGrain>(busy).NextAsync()).Count);
    }

    [Fact]
    public async Task ActivationLimit_EvictsLeastRecentlyUsed_AndKeepsCountBounded()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, o =>
            o.ConfigureSilo = silo => silo.ConfigureGrainCollection(c => c.MaxActivations = 10));
        var keys = Enumerable.Range(0, 30).Select(i => Keys.Unique($"k{i}")).ToList();

        foreach (var key in keys)
        {
            await cluster.Client.GetGrain<ISequenceGrain>(key).NextAsync();
        }

        // The first keys were used least recently: they were evicted for the later ones.
        await GrainProbe.For(keys[0]).WhenAsync(p => p.Deactivations.Contains(DeactivationReason.ActivationLimit), Clusters.Timeout);
        await GrainProbe.For(keys[19]).WhenAsync(p => p.Deactivations.Count > 0, Clusters.Timeout);
        Assert.True(cluster.Silos[0].ActivationCount <= 11, $"{cluster.Silos[0].ActivationCount} activations live, limit 10.");
        Assert.Empty(GrainProbe.For(keys[29]).Deactivations);
    }

    /// <summary>One silo on a manual clock: idle after 10 minutes, collected every minute.</summary>
    private static Task<TestCluster> StartOnManualClockAsync(ManualTimeProvider clock) =>
        Clusters.StartAsync(silos: 1, o =>
        {
            o.TimeProvider = clock;
            o.ConfigureSilo = silo => silo
                .ConfigureGrainCollection(c =>
                {
                    c.IdleTimeout = TimeSpan.FromMinutes(10);
                    c.CollectionInterval = TimeSpan.FromMinutes(1);
                })
                // The silo's connections run on the manual clock too; without this, advancing it would look like silence.
                .ConfigureMessaging(m => m.Connection.KeepAliveInterval = Timeout.InfiniteTimeSpan);
        });
}
