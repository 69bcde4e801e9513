using OrleansCache.FaultInjection.Faults;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>How a run's kinds are dealt to its lanes and its gate (ADR 0090, 0091, 0092).</summary>
public sealed class FaultScheduleTests
{
    private static readonly FaultKind[] SiloKinds = [.. FaultSchedule.FullRound.Where(k => !FaultSchedule.IsClientFault(k) && !FaultSchedule.IsRedisFault(k))];

    [Fact]
    public void ASchedule_HandsOutEachKindOncePerRound_ThenStops()
    {
        var schedule = new FaultSchedule(new Random(1), SiloKinds);

        var handedOut = new List<FaultKind>();
        while (schedule.TryNext(rounds: 2, out var kind))
        {
            handedOut.Add(kind);
        }

        Assert.Equal(2 * SiloKinds.Length, handedOut.Count);
        Assert.Equal(SiloKinds.Order(), handedOut.Take(SiloKinds.Length).Order());
        Assert.Equal(SiloKinds.Order(), handedOut.Skip(SiloKinds.Length).Order());
    }

    [Fact]
    public void ASchedule_WithoutRounds_GoesOn()
    {
        var schedule = new FaultSchedule(new Random(1), [FaultKind.SiloKill]);

        Assert.All(Enumerable.Range(0, 10), _ => Assert.True(schedule.TryNext(rounds: null, out FaultKind _)));
    }

    [Fact]
    public void PartitionTurns_AlternateShortAndLong_AcrossTheInjectorsSharingThem()
    {
        var turns = new PartitionTurns();

        Assert.Equal([false, true, false, true], Enumerable.Range(0, 4).Select(_ => turns.NextIsLong()));
    }

    [Fact]
    public void FaultsOnMoreThanOneSilo_EnterTheGateAlone()
    {
        Assert.All(SiloKinds, k => Assert.Equal(k is FaultKind.DoubleKill or FaultKind.OwnerKill ? FaultGateUse.Exclusive : FaultGateUse.Shared, FaultSchedule.GateUse(k)));
        Assert.Equal(FaultGateUse.Exclusive, FaultSchedule.GateUse(FaultKind.RedisRestartEmpty));
        Assert.All([FaultKind.RedisRestart, FaultKind.RedisPause, FaultKind.ClientCut, FaultKind.ClientStall, FaultKind.ClientDelay], k => Assert.Equal(FaultGateUse.None, FaultSchedule.GateUse(k)));
    }
}
