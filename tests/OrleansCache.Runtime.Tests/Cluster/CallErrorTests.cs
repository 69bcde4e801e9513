using OrleansCache.Core;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Runtime.Tests.Cluster;

public sealed class CallErrorTests
{
    [Fact]
    public async Task GrainException_ReachesCallerAsApplicationFailure_AndGrainKeepsServing()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        var grain = cluster.Client.GetGrain<ISequenceGrain>(Keys.Unique());

        var ex = await Assert.ThrowsAsync<GrainCallException>(() => grain.FailAsync("boom"));

        Assert.Equal(GrainCallFailureKind.Application, ex.Kind);
        Assert.Equal(typeof(InvalidOperationException).FullName, ex.RemoteExceptionType);
        Assert.Contains("boom", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await grain.NextAsync()).Count);
    }

    [Fact]
    public async Task UnknownGrainType_FailsWithTypedError()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);

        var ex = await Assert.ThrowsAsync<GrainCallException>(() => cluster.Client.GetGrain<IUnregisteredGrain>("x").PingAsync());

        Assert.Equal(GrainCallFailureKind.UnknownGrainType, ex.Kind);
        Assert.Contains("AddGrain", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedArgument_FailsBeforeSending_AndConnectionKeepsWorking()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.ConfigureClient = c => c.Connection.MaxFrameBytes = 64 * 1024);
        var grain = cluster.Client.GetGrain<ISequenceGrain>(Keys.Unique());

        await Assert.ThrowsAsync<MessageTooLargeException>(() => grain.EchoAsync(new byte[100 * 1024]));

        Assert.Equal([1, 2, 3], await grain.EchoAsync([1, 2, 3]));
        Assert.True(cluster.Client.IsConnected);
    }

    [Fact]
    public async Task ByteArrays_RoundTripThroughGrain_KeepingNullAndEmptyApart()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var grain = cluster.Client.GetGrain<ISequenceGrain>(Keys.Unique());

        Assert.Null(await grain.EchoAsync(null));
        Assert.Empty((await grain.EchoAsync([]))!);
        var big = Enumerable.Range(0, 1 << 20).Select(i => (byte)i).ToArray();
        Assert.Equal(big, await grain.EchoAsync(big));
    }
}
