using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Fuzz.Tests.Infrastructure;
using OrleansCache.Fuzz.Tests.Silo;
using OrleansCache.Grains;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Metrics;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Regressions;

/// <summary>
/// What the silo-port fuzzer found: Orleans waits forever for a connection's preamble, so a peer that connects and
/// sends nothing (or part of a preamble) held its connection open indefinitely. The guard closes it and counts it.
/// </summary>
[Collection(FuzzClusterCollection.Name)]
public sealed class ConnectionPreambleGuardTests(FuzzCluster fuzz)
{
    private static readonly TimeSpan Timeout = FuzzCluster.PreambleTimeout;

    [Fact]
    public async Task ConnectionWithoutACompletePreamble_IsClosedAfterTheTimeout_AndCounted()
    {
        var token = TestContext.Current.CancellationToken;
        using var rejected = new MetricTotals(CacheSiloMetrics.MeterName, "port");
        var cluster = fuzz.Cluster;
        var silo = cluster.Silos[0];
        (int Port, byte[] Sent)[] cases =
        [
            (silo.GatewayAddress.Endpoint.Port, []),
            (silo.GatewayAddress.Endpoint.Port, [0x10, 0]),
            (silo.SiloAddress.Endpoint.Port, [0x10, 0, 0, 0, 1, 2, 3]),
        ];
        var peers = new List<RawPeer>();
        foreach (var (port, sent) in cases)
        {
            var peer = await RawPeer.ConnectAsync(port, token);
            await peer.SendAsync(sent, token);
            peers.Add(peer);
        }

        var closedAfter = await Task.WhenAll(peers.Select(p => p.ClosedBySiloAsync(TimeSpan.FromSeconds(15), token)));

        Assert.All(closedAfter, t => Assert.InRange(t, Timeout - TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(15)));
        await rejected.WhenAsync("orleanscache.connections.rejected", 3, TimeSpan.FromSeconds(10));
        Assert.Equal((2, 1), (rejected.ByTag.GetValueOrDefault("gateway"), rejected.ByTag.GetValueOrDefault("silo")));
        peers.ForEach(p => p.Dispose());

        // Real clients are not affected.
        await cluster.Cache.SetAsync($"guard:{fuzz.Id}", "v", cancellationToken: token);
        var other = await cluster.CreateClientAsync(cancellationToken: token);
        Assert.Equal("v", await other.Cache.GetAsync<string>($"guard:{fuzz.Id}", token));
    }

    [Fact]
    public void Validator_RefusesAZeroTimeout_AndAcceptsInfinite()
    {
        var validator = new CacheSiloOptionsValidator();

        Assert.True(validator.Validate(null, new CacheSiloOptions { ConnectionPreambleTimeout = TimeSpan.Zero }).Failed);
        Assert.True(validator.Validate(null, new CacheSiloOptions { ConnectionPreambleTimeout = System.Threading.Timeout.InfiniteTimeSpan }).Succeeded);
    }
}
