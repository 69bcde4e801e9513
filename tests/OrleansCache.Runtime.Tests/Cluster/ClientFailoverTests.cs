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
    public async Task GatewayThatNeverAnswersTheHello_ConnectTimesOut_AndLeavesNoUnobservedException()
    {
        // Found by the gateway fuzzer (docs/fuzzing.md): when the handshake had stopped waiting (it timed out), closing
        // the connection failed the Welcome it no longer awaited, and nobody ever looked at it.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var unobserved = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await ConnectToSilentGatewayAsync(((System.Net.IPEndPoint)listener.LocalEndpoint).Port);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.DoesNotContain(unobserved, e => e.ToString().Contains("during the handshake", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisposingAClientNobodyWaitsOn_LeavesNoUnobservedException()
    {
        // Found by the fuzz suite (docs/fuzzing.md): disposing failed the "connected" signal with ObjectDisposedException
        // even when no call was waiting for a connection, and nobody ever looked at it.
        var unobserved = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await CreateAndDisposeAsync();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.DoesNotContain(unobserved, e => e.InnerException is ObjectDisposedException { ObjectName: nameof(ClusterClient) });
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task CreateAndDisposeAsync()
    {
        var client = ClusterClientFactory.Create(new ClusterClientOptions { Gateways = { "127.0.0.1:1" } });
        await client.DisposeAsync();
    }

    // Not inlined: the client and its connections must be unreachable when the test collects garbage.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task ConnectToSilentGatewayAsync(int port)
    {
        await using var client = ClusterClientFactory.Create(new ClusterClientOptions
        {
            Gateways = { $"127.0.0.1:{port}" },
            ConnectTimeout = TimeSpan.FromMilliseconds(200),
        });

        await Assert.ThrowsAsync<ClusterUnavailableException>(() => client.ConnectAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void ClientOptions_WithoutGateways_AreRejected()
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => ClusterClientFactory.Create(new ClusterClientOptions()));
        Assert.Contains("Gateways", ex.Message, StringComparison.Ordinal);
    }
}
