using OrleansCache.FaultInjection.Faults;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>How a run's kinds are dealt to its lanes and its gate (ADR 0090, 0091).</summary>
public sealed class FaultScheduleTests
{
    private static readonly FaultKind[] SiloKinds = [.. FaultSchedule.FullRound.Where(k => !FaultSchedule.IsClientFault(k) && !FaultSchedule.IsRedisFault(k))];

    [Fact]
    public void TwoSiloLanes_EachTakeWholeKinds_AndShareTheSilentSilos()
    {
        var (first, second) = FaultSchedule.SplitForTwoSiloLanes(SiloKinds);

        // Every kind in exactly one lane: a lane alternates its partitions short and long.
        Assert.Equal(SiloKinds.Order(), first.Concat(second).Order());
        Assert.Empty(first.Intersect(second));

        // The kinds that wait for a silent silo to be declared dead (8-10 s each) are not all in one lane.
        FaultKind[] silent = [FaultKind.SiloPause, FaultKind.SiloIsolation, FaultKind.Partition];
        Assert.Contains(first, silent.Contains);
        Assert.Contains(second, silent.Contains);
    }

    [Fact]
    public void FaultsOnMoreThanOneSilo_EnterTheGateAlone()
    {
        Assert.All(SiloKinds, k => Assert.Equal(k is FaultKind.DoubleKill or FaultKind.OwnerKill ? FaultGateUse.Exclusive : FaultGateUse.Shared, FaultSchedule.GateUse(k)));
        Assert.Equal(FaultGateUse.Exclusive, FaultSchedule.GateUse(FaultKind.RedisRestartEmpty));
        Assert.All([FaultKind.RedisRestart, FaultKind.RedisPause, FaultKind.ClientCut, FaultKind.ClientStall, FaultKind.ClientDelay], k => Assert.Equal(FaultGateUse.None, FaultSchedule.GateUse(k)));
    }
}
