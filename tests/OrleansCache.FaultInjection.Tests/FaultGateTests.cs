using OrleansCache.FaultInjection.Faults;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>The gate between the silos' lanes (ADR 0091): shared entries side by side, an exclusive one alone.</summary>
public sealed class FaultGateTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoSharedEntries_HoldTheGateTogether()
    {
        var gate = new FaultGate();

        using var first = await gate.EnterAsync(exclusive: false, Token).WaitAsync(Limit, Token);
        using var second = await gate.EnterAsync(exclusive: false, Token).WaitAsync(Limit, Token);
    }

    [Fact]
    public async Task AnExclusiveEntry_WaitsForEverySharedOne_AndHoldsBackNewOnes()
    {
        var gate = new FaultGate();
        var first = await gate.EnterAsync(exclusive: false, Token);
        var second = await gate.EnterAsync(exclusive: false, Token);

        var exclusive = gate.EnterAsync(exclusive: true, Token);
        first.Dispose();
        Assert.False(exclusive.IsCompleted);
        second.Dispose();
        var held = await exclusive.WaitAsync(Limit, Token);

        var shared = gate.EnterAsync(exclusive: false, Token);
        Assert.False(shared.IsCompleted);
        held.Dispose();
        (await shared.WaitAsync(Limit, Token)).Dispose();
    }

    [Fact]
    public async Task TwoExclusiveEntries_TakeTurns()
    {
        var gate = new FaultGate();
        var first = await gate.EnterAsync(exclusive: true, Token);

        var second = gate.EnterAsync(exclusive: true, Token);
        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second.WaitAsync(Limit, Token)).Dispose();
    }

    [Fact]
    public async Task LeavingTwice_ReleasesOnce()
    {
        var gate = new FaultGate();
        var first = await gate.EnterAsync(exclusive: false, Token);
        var second = await gate.EnterAsync(exclusive: false, Token);
        first.Dispose();
        first.Dispose();

        // Had the second leave counted, the gate would think no shared entry is left and let an exclusive one in.
        var exclusive = gate.EnterAsync(exclusive: true, Token);
        Assert.False(exclusive.IsCompleted);
        second.Dispose();
        (await exclusive.WaitAsync(Limit, Token)).Dispose();
    }
}
