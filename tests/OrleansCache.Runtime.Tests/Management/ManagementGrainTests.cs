using OrleansCache.Core.Management;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Runtime.Tests.Management;

public sealed class ManagementGrainTests
{
    [Fact]
    public async Task Members_ListEverySiloWithItsActivations_AndShowTheKilledOneDead()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        var management = cluster.Client.GetGrain<IManagementGrain>(IManagementGrain.DefaultKey);
        var keys = Enumerable.Range(0, 30).Select(i => Keys.Unique($"m{i}")).ToList();
        await Task.WhenAll(keys.Select(k => cluster.Client.GetGrain<ISequenceGrain>(k).NextAsync()));

        var members = await management.GetMembersAsync();

        Assert.Equal(3, members.Length);
        Assert.All(members, m => Assert.Equal(SiloStatus.Active, m.Status));
        Assert.Equal(cluster.Silos.Select(s => s.Address.ToString()).Order(), members.Select(m => m.Address).Order());
        foreach (var silo in cluster.Silos)
        {
            var member = members.Single(m => m.Address == silo.Address.ToString());
            Assert.Equal(silo.Address.Generation, member.Generation);
            Assert.Equal(silo.GatewayEndPoint, member.Gateway);
            // The management grain itself is an activation on one of the silos, so counts are at least the test grains.
            Assert.True(member.Activations >= silo.ActiveGrains.Count(g => g.Type != "management"), $"{member.Activations} activations on {silo}");
        }

        Assert.True(members.Sum(m => m.Activations) >= keys.Count);

        var victim = cluster.Silos.First(s => s.ActiveGrains.All(g => g.Type != "management"));
        await cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);
        await cluster.WaitForStableViewAsync(Clusters.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        members = await management.GetMembersAsync();
        var dead = members.Single(m => m.Address == victim.Address.ToString());
        Assert.Equal(SiloStatus.Dead, dead.Status);
        Assert.Null(dead.Activations);
        Assert.Equal(2, members.Count(m => m.Status == SiloStatus.Active && m.Activations is not null));
    }

    [Fact]
    public async Task Statistics_ComeFromEverySilo_AndMoveWithTraffic()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        var management = cluster.Client.GetGrain<IManagementGrain>(IManagementGrain.DefaultKey);
        var before = Handled(await management.GetStatisticsAsync());

        const int Calls = 40;
        await Task.WhenAll(Enumerable.Range(0, Calls).Select(i => cluster.Client.GetGrain<ISequenceGrain>(Keys.Unique($"s{i}")).NextAsync()));
        var stats = await management.GetStatisticsAsync();

        Assert.Equal(2, stats.Length);
        Assert.All(stats, s => Assert.Null(s.Error));
        // Each silo reports only its own figures: the calls were spread over both, and together they count every call.
        Assert.All(stats, s => Assert.True(s.Total("orleanscache.activations.live") > 0, $"{s.Address} reports no live activations"));
        Assert.True(Handled(stats) - before >= Calls, $"{Handled(stats) - before} calls counted, {Calls} made");
        var durations = stats.SelectMany(s => s.Metrics).Where(m => m.Name == "orleanscache.calls.duration").ToList();
        Assert.NotEmpty(durations);
        Assert.All(durations, d => Assert.Equal(MetricKind.Histogram, d.Kind));
        Assert.True(durations.Sum(d => d.Histogram!.Count) >= Calls);
    }

    private static double Handled(SiloStatistics[] stats) => stats.Sum(s => s.Total("orleanscache.calls.handled"));
}
