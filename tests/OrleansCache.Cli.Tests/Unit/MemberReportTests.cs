using System.Net;
using OrleansCache.Cli.Membership;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

public sealed class MemberReportTests
{
    private static readonly SiloAddress A = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress B = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 2);
    private static readonly SiloAddress Gone = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11113), 3);

    [Fact]
    public void Build_JoinsTheTableWithActivationCounts_AndLeavesOutDeadSilosUnlessAsked()
    {
        MembershipEntry[] entries = [Entry(B, SiloStatus.Active, 30001), Entry(Gone, SiloStatus.Dead, 30002), Entry(A, SiloStatus.Active, 0)];
        SimpleGrainStatistic[] statistics =
        [
            Statistic(A, "OrleansCache.Grains.CacheEntryGrain,OrleansCache.Grains", 5),
            Statistic(A, "OrleansCache.Grains.Feeds.InvalidationFeedGrain,OrleansCache.Grains", 2),
            Statistic(B, "Orleans.Runtime.Management.ManagementGrain,Orleans.Runtime", 1),
        ];

        var active = MemberReport.Build(entries, statistics, includeDead: false);
        var all = MemberReport.Build(entries, statistics, includeDead: true);

        Assert.Equal([A.ToParsableString(), B.ToParsableString()], active.Select(m => m.Address));
        Assert.Equal((5, 7, (string?)null), (active[0].CacheEntryActivations!.Value, active[0].Activations!.Value, active[0].Gateway));
        Assert.Equal((0, 1, "127.0.0.1:30001"), (active[1].CacheEntryActivations!.Value, active[1].Activations!.Value, active[1].Gateway));
        Assert.Equal("silo-" + B.Endpoint.Port, active[1].Name);
        Assert.Equal(TimeSpan.Zero, active[1].StartTime.Offset);
        var dead = all[^1];
        Assert.Equal((Gone.ToParsableString(), SiloStatus.Dead), (dead.Address, dead.Status));
        Assert.Null(dead.Activations);
    }

    [Theory]
    [InlineData("OrleansCache.Grains.CacheEntryGrain,OrleansCache.Grains", true)]
    [InlineData("OrleansCache.Grains.CacheEntryGrain", true)]
    [InlineData("OrleansCache.Grains.CacheEntryGrainHelper,OrleansCache.Grains", false)]
    [InlineData("Other.CacheEntryGrain,Other", false)]
    public void IsCacheEntry_MatchesTheGrainClassWithOrWithoutItsAssembly(string grainType, bool expected) =>
        Assert.Equal(expected, MemberReport.IsCacheEntry(grainType));

    private static MembershipEntry Entry(SiloAddress silo, SiloStatus status, int gatewayPort) => new()
    {
        SiloAddress = silo,
        Status = status,
        ProxyPort = gatewayPort,
        HostName = "host",
        SiloName = "silo-" + silo.Endpoint.Port,
        StartTime = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Unspecified),
        IAmAliveTime = new DateTime(2026, 12, 1, 10, 5, 0, DateTimeKind.Unspecified),
    };

    private static SimpleGrainStatistic Statistic(SiloAddress silo, string type, int count) => new() { SiloAddress = silo, GrainType = type, ActivationCount = count };
}
