using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Runtime.Tests.Cluster;

public sealed class InterleavingTests
{
    [Fact]
    public async Task AlwaysInterleaveMethod_RunsWhileTheTurnIsHeld_OtherCallsWait()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        var grain = cluster.Client.GetGrain<ISequenceGrain>(Keys.Unique());
        await grain.NextAsync();
        var gate = $"gate:{Guid.NewGuid():N}";

        var held = grain.WaitAtGateAsync(gate);
        await GrainProbe.Gate(gate).Entered.Task.WaitAsync(Clusters.Timeout, TestContext.Current.CancellationToken);
        var queued = grain.NextAsync();
        var peeked = await grain.PeekAsync().WaitAsync(Clusters.Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(1, peeked);
        Assert.False(queued.IsCompleted, "A normal call ran while another held the turn.");
        GrainProbe.Gate(gate).Released.SetResult();
        await held;
        Assert.Equal(2, (await queued).Count);
    }
}
