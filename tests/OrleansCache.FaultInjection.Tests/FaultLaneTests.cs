using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.History;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>
/// The runner's fault lanes (ADR 0090, 0091, 0092): side by side, rounds counted per schedule (two lanes may share
/// one), a lane that fails stops the rest, a gated fault waits for the other lanes' gated faults.
/// </summary>
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
    public async Task TwoLanesSharingASchedule_TheFreeLaneTakesTheNextKind()
    {
        // The first fault taken stays under way until the other lane has injected every other kind of both rounds: with
        // a schedule of its own, each lane would wait for its own half instead.
        FaultKind[] kinds = [FaultKind.SiloKill, FaultKind.SiloRestart, FaultKind.SiloPause, FaultKind.SiloRedisCut];
        var schedule = new FaultSchedule(new Random(1), kinds);
        var injected = new List<FaultKind>();
        var othersDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = 0;
        async Task<FaultWindow?> Inject(FaultKind kind)
        {
            var isFirst = Interlocked.Increment(ref first) == 1;
            var window = Record(injected, kind);
            lock (injected)
            {
                if (injected.Count == 2 * kinds.Length)
                {
                    othersDone.TrySetResult();
                }
            }

            if (isFirst)
            {
                await othersDone.Task.ConfigureAwait(false);
            }

            return window;
        }

        FaultLane Lane() => new(schedule, Inject, (_, _) => Task.FromResult(true), () => TimeSpan.Zero);

        await FaultLane.RunSideBySideAsync([Lane(), Lane()], rounds: 2, until: null, new RunClock(), TestContext.Current.CancellationToken).WaitAsync(Limit, TestContext.Current.CancellationToken);

        Assert.Equal(2 * kinds.Length, injected.Count);
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

    [Fact]
    public async Task AGatedFault_WaitsForTheOtherLanesGatedFault_ToRecover()
    {
        // The silos' lane holds the gate (shared) from a fault's injection to its recovery; Redis's restart without data
        // enters it exclusively, so it is injected only once the silo fault has recovered. Redis's other faults do not wait.
        var gate = new FaultGate();
        var events = new List<string>();
        var siloRecovering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var silos = new FaultLane(
            new FaultSchedule(new Random(1), [FaultKind.SiloPause]),
            kind => Task.FromResult<FaultWindow?>(Record(events, kind)),
            async (_, _) =>
            {
                siloRecovering.TrySetResult();
                await release.Task.ConfigureAwait(false);
                Note(events, "silo recovered");
                return true;
            },
            () => TimeSpan.Zero,
            gate,
            FaultSchedule.GateUse);
        // Redis's lane, split in two so each fault is tried once the silo fault is under way.
        FaultLane RedisLane(FaultKind redisKind) => new(
            new FaultSchedule(new Random(1), [redisKind]),
            async kind =>
            {
                await siloRecovering.Task.ConfigureAwait(false);
                return Record(events, kind);
            },
            (_, _) => Task.FromResult(true),
            () => TimeSpan.Zero,
            gate,
            FaultSchedule.GateUse);
        var redis = RedisLane(FaultKind.RedisPause);
        var empty = RedisLane(FaultKind.RedisRestartEmpty);

        var running = FaultLane.RunSideBySideAsync([silos, redis, empty], rounds: 1, until: null, new RunClock(), TestContext.Current.CancellationToken);
        await siloRecovering.Task.WaitAsync(Limit, TestContext.Current.CancellationToken);

        // The ungated Redis pause goes ahead while the silo fault is still recovering; the gated restart does not.
        await Eventually.TrueAsync(() => Contains(events, nameof(FaultKind.RedisPause)), "the Redis pause injected", Limit, TestContext.Current.CancellationToken);
        Assert.False(Contains(events, nameof(FaultKind.RedisRestartEmpty)));
        release.TrySetResult();
        await running.WaitAsync(Limit, TestContext.Current.CancellationToken);

        Assert.Equal([nameof(FaultKind.SiloPause), nameof(FaultKind.RedisPause), "silo recovered", nameof(FaultKind.RedisRestartEmpty)], events);
    }

    private static FaultLane Lane(IReadOnlyList<FaultKind> kinds, Func<FaultKind, Task<FaultWindow?>> inject, bool recovers = true) =>
        new(new FaultSchedule(new Random(1), kinds), inject, (_, _) => Task.FromResult(recovers), () => TimeSpan.Zero);

    private static FaultWindow Record(List<string> events, FaultKind kind)
    {
        Note(events, kind.ToString());
        return new FaultWindow(kind, "test", TimeSpan.Zero, TimeSpan.Zero, FaultBounds.Of(kind));
    }

    private static void Note(List<string> events, string what)
    {
        lock (events)
        {
            events.Add(what);
        }
    }

    private static bool Contains(List<string> events, string what)
    {
        lock (events)
        {
            return events.Contains(what);
        }
    }

    private static FaultWindow Record(List<FaultKind> injected, FaultKind kind)
    {
        lock (injected)
        {
            injected.Add(kind);
        }

        return new FaultWindow(kind, "test", TimeSpan.Zero, TimeSpan.Zero, FaultBounds.Of(kind));
    }
}
