using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Runtime.Tests.Cluster;

public sealed class ClientFailoverTests
{
    [Fact]
    public async Task GatewayDies_InFlightCallFailsTyped_ClientReconnectsElsewhere_NextCallSucceeds()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        var gateway = cluster.Silos[0];
        var owner = cluster.Silos[1];
        var key = cluster.KeyOwnedBy<ISequenceGrain>(owner);
        var client = await cluster.CreateClientAsync(gateway: gateway, cancellationToken: TestContext.Current.CancellationToken);
        var reconnected = new TaskCompletionSource<GatewayConnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connected += (_, e) => reconnected.TrySetResult(e);
        var gate = $"gate:{Guid.NewGuid():N}";
        var grain = client.GetGrain<ISequenceGrain>(key);

        var inFlight = grain.WaitAtGateAsync(gate);
        await GrainProbe.Gate(gate).Entered.Task.WaitAsync(Clusters.Timeout, TestContext.Current.CancellationToken);
        await cluster.KillSiloAsync(gateway, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<ConnectionLostException>(() => inFlight);
        GrainProbe.Gate(gate).Released.SetResult();
        var connected = await reconnected.Task.WaitAsync(Clusters.Timeout, TestContext.Current.CancellationToken);
        Assert.True(connected.IsReconnect);
        Assert.NotEqual(gateway.GatewayEndPoint, connected.Gateway);

        var next = await grain.NextAsync();
        // The grain's owner was not the gateway: its activation lived on through the gateway's death.
        Assert.Equal(owner.Address.ToString(), next.Silo);
        Assert.Single(GrainProbe.For(key).Activations);
        Assert.NotEqual(gateway.GatewayEndPoint, client.CurrentGateway);
    }

    [Fact]
    public async Task GatewayStopsGracefully_ClientMovesToAnotherGateway_WithoutFailingCalls()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        var gateway = cluster.Silos[0];
        var client = await cluster.CreateClientAsync(gateway: gateway, cancellationToken: TestContext.Current.CancellationToken);
        var key = cluster.KeyOwnedBy<ISequenceGrain>(cluster.Silos[1]);
        await client.GetGrain<ISequenceGrain>(key).NextAsync();

        await cluster.StopSiloAsync(gateway, TestContext.Current.CancellationToken);
        var result = await client.GetGrain<ISequenceGrain>(key).NextAsync();

        Assert.Equal(2, result.Count);
        Assert.Equal(cluster.Silos[0].GatewayEndPoint, client.CurrentGateway);
    }

    [Fact]
    public async Task Client_WithWrongClusterId_IsRefusedWithClearError()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);

        var ex = await Assert.ThrowsAsync<ClusterUnavailableException>(() => cluster.CreateClientAsync(
            configure: o => o.ClusterId = "another-cluster",
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("does not match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_WithNoReachableGateway_FailsConnectWithClusterUnavailable()
    {
        await using var client = ClusterClientFactory.Create(new ClusterClientOptions
        {
            Gateways = { "127.0.0.1:1" },
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
        });

        var ex = await Assert.ThrowsAsync<ClusterUnavailableException>(() => client.ConnectAsync(TestContext.Current.CancellationToken));
        Assert.Contains("127.0.0.1:1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientOptions_WithoutGateways_AreRejected()
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => ClusterClientFactory.Create(new ClusterClientOptions()));
        Assert.Contains("Gateways", ex.Message, StringComparison.Ordinal);
    }
}
