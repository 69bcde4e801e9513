using OrleansCache.Client;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Runtime.Tests.Cluster;

public sealed class SingleActivationTests
{
    [Fact]
    public async Task ConcurrentCalls_FromEightClientsOverThreeSilos_RunOnOneActivationOneAtATime()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        var clients = new List<IClusterClient> { cluster.Client };
        for (var i = 1; i < 8; i++)
        {
            clients.Add(await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken));
        }

        Assert.Equal(3, clients.Select(c => c.CurrentGateway).Distinct().Count());
        var key = Keys.Unique("user");

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => clients[i % clients.Count].GetGrain<ISequenceGrain>(key).NextAsync()));

        var probe = GrainProbe.For(key);
        Assert.Single(results.Select(r => r.ActivationId).Distinct());
        Assert.Single(probe.Activations);
        Assert.Equal(0, probe.Overlaps);
        // Every call saw a different count from 1 to 1000: none overlapped another, none was lost.
        Assert.Equal(Enumerable.Range(1, 1000), results.Select(r => r.Count).Order());
    }

    [Fact]
    public async Task Call_ReachingNonOwnerSilo_IsForwardedToOwnerAndAnswered()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        var key = Keys.Unique();
        var owner = cluster.OwnerOf<ISequenceGrain>(key);
        var other = cluster.Silos.First(s => s != owner);
        var client = await cluster.CreateClientAsync(gateway: other, cancellationToken: TestContext.Current.CancellationToken);

        var result = await client.GetGrain<ISequenceGrain>(key).NextAsync();

        Assert.Equal(other.GatewayEndPoint, client.CurrentGateway);
        Assert.Equal(owner.Address.ToString(), result.Silo);
        Assert.Contains(owner.ActiveGrains, g => g.Key == key);
        Assert.DoesNotContain(other.ActiveGrains, g => g.Key == key);
    }

    [Fact]
    public async Task GrainCallingGrain_OnAnotherSilo_IsRoutedToThatOwner()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        var first = cluster.Silos[0];
        var second = cluster.Silos[1];
        var caller = cluster.KeyOwnedBy<ISequenceGrain>(first);
        var callee = cluster.KeyOwnedBy<ISequenceGrain>(second);

        var result = await cluster.Client.GetGrain<ISequenceGrain>(caller).CallOtherAsync(callee);

        Assert.Equal(second.Address.ToString(), result.Silo);
        Assert.Equal(1, result.Count);
    }
}
