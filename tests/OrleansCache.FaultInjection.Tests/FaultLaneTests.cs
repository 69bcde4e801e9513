using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.History;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>The runner's fault lanes (ADR 0090): side by side, rounds counted per lane, a lane that fails stops the rest.</summary>
public sealed class FaultLaneTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoLanes_InjectSideBySide()
    {
        // The cluster's fault is still under way when the client's is injected: it is healed only by the client's.
        var clientFaultInjected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var injected = new List<FaultKind>();
        var cluster = Lane([FaultKind.OwnerKill], async kind =>
        {
            await clientFaultInjected.Task.ConfigureAwait(false);
            return Record(injected, kind);
        });
        var client = Lane([FaultKind.ClientCut], kind =>
        {
            var window = Record(injected, kind);
            clientFaultInjected.TrySetResult();
            return Task.FromResult<FaultWindow?>(window);
        });

        await FaultLane.RunSideBySideAsync([cluster, client], rounds: 1, until: null, new RunClock(), TestContext.Current.CancellationToken).WaitAsync(Limit, TestContext.Current.CancellationToken);

        Assert.Equal([FaultKind.ClientCut, FaultKind.OwnerKill], injected);
    }

    [Fact]
    public async Task EachLane_InjectsEachOfItsKindsOncePerRound()
    {
        var injected = new List<FaultKind>();
        var lane = Lane([FaultKind.ClientCut, FaultKind.ClientStall, FaultKind.ClientDelay], kind => Task.FromResult<FaultWindow?>(Record(injected, kind)));

        Assert.True(await lane.RunAsync(rounds: 2, until: null, new RunClock(), TestContext.Current.CancellationToken));

        Assert.Equal(6, injected.Count);
        Assert.All(injected.GroupBy(k => k), g => Assert.Equal(2, g.Count()));
    }

    [Fact]
    public async Task ALaneWhoseSystemDoesNotRecover_StopsTheOtherLanes()
    {
        var injected = new List<FaultKind>();
        var failing = Lane([FaultKind.SiloPause], kind => Task.FromResult<FaultWindow?>(Record(injected, kind)), recovers: false);

        // Without the stop this lane would wait an hour after its first fault.
        var waiting = new FaultLane(new FaultSchedule(new Random(1), [FaultKind.ClientStall]), kind => Task.FromResult<FaultWindow?>(Record(injected, kind)), (_, _) => Task.FromResult(true), () => TimeSpan.FromHours(1));

        await FaultLane.RunSideBySideAsync([failing, waiting], rounds: 3, until: null, new RunClock(), TestContext.Current.CancellationToken).WaitAsync(Limit, TestContext.Current.CancellationToken);

        Assert.Equal(1, injected.Count(k => k == FaultKind.SiloPause));
        Assert.Equal(1, injected.Count(k => k == FaultKind.ClientStall));
    }

    private static FaultLane Lane(IReadOnlyList<FaultKind> kinds, Func<FaultKind, Task<FaultWindow?>> inject, bool recovers = true) =>
        new(new FaultSchedule(new Random(1), kinds), inject, (_, _) => Task.FromResult(recovers), () => TimeSpan.Zero);

    private static FaultWindow Record(List<FaultKind> injected, FaultKind kind)
    {
        lock (injected)
        {
            injected.Add(kind);
        }

        return new FaultWindow(kind, "test", TimeSpan.Zero, TimeSpan.Zero, FaultBounds.Of(kind));
    }
}
