using System.Diagnostics;
using Orleans.Configuration;
using OrleansCache.Client;
using OrleansCache.FaultInjection.Cluster;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>
/// The gate the runner's <c>ClientStall</c> and <c>ClientDelay</c> use, in a real client's connection pipeline: a stalled
/// client's connections carry nothing (so its invalidations wait), its copies stop being served once its feeds have been
/// silent for the silence timeout, and once the gate opens it gets the new value; a delayed client gets everything late.
/// </summary>
public sealed class ConnectionGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StalledClient_StopsServingItsCopyOnceItsFeedsFallSilent_AndGetsTheNewValueOnceOpen()
    {
        var gates = new List<ConnectionGate>();
        await using var cluster = await StartAsync(gates);
        var writer = cluster.DefaultClient;
        await using var reader = await cluster.CreateClientAsync(cancellationToken: Token);
        var stalled = gates[1];
        var key = await HoldOldAsync(writer, reader);

        stalled.Stall();
        await writer.Cache.SetAsync(key, "new", cancellationToken: Token);
        var acknowledged = Stopwatch.StartNew();

        // The invalidation waits in the gate, so the reader serves its copy from memory, until its feeds have been
        // silent too long; then a read goes to the cluster and waits in the gate as well.
        Task<string?> read;
        while (true)
        {
            read = reader.Cache.GetAsync<string>(key, Token).AsTask();
            if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromMilliseconds(250), Token)) != read)
            {
                break;
            }

            Assert.Equal("old", await read);
            Assert.True(acknowledged.Elapsed < new OrleansCacheClientOptions().FeedSilenceTimeout + TimeSpan.FromSeconds(1), $"the stalled reader still served its old copy {acknowledged.Elapsed.TotalSeconds:0.0} s after the write");
            Assert.True(acknowledged.Elapsed < Patience, "the reader never stopped serving its copy");
        }

        Assert.False(read.IsCompleted);
        stalled.Open();
        Assert.Equal("new", await read.WaitAsync(Patience, Token));
        Assert.Equal("new", await reader.Cache.GetAsync<string>(key, Token));
    }

    [Fact]
    public async Task DelayedClient_GetsTheInvalidationLate_AndIntact()
    {
        var gates = new List<ConnectionGate>();
        await using var cluster = await StartAsync(gates);
        var writer = cluster.DefaultClient;
        await using var reader = await cluster.CreateClientAsync(cancellationToken: Token);
        var key = await HoldOldAsync(writer, reader);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Cache.Invalidated += (_, e) =>
        {
            if (e.Target == key)
            {
                dropped.TrySetResult();
            }
        };

        var latency = TimeSpan.FromMilliseconds(300);
        gates[1].Delay(latency);
        var written = Stopwatch.StartNew();
        await writer.Cache.SetAsync(key, "new", cancellationToken: Token);
        await dropped.Task.WaitAsync(Patience, Token);

        Assert.True(written.Elapsed >= latency, $"the invalidation arrived after {written.Elapsed.TotalMilliseconds:0} ms, under the gate's {latency.TotalMilliseconds:0} ms");
        Assert.Equal("new", await reader.Cache.GetAsync<string>(key, Token));
        gates[1].Open();
        Assert.Equal("new", await reader.Cache.GetAsync<string>(key, Token));
    }

    /// <summary>A new key written as "old" by <paramref name="writer"/> and held in <paramref name="reader"/>'s near-cache.</summary>
    private static async Task<string> HoldOldAsync(OrleansCacheTestClient writer, OrleansCacheTestClient reader)
    {
        var key = $"gate:{Guid.NewGuid():N}";
        await writer.Cache.SetAsync(key, "old", cancellationToken: Token);
        Assert.Equal("old", await reader.Cache.GetAsync<string>(key, Token));
        return key;
    }

    /// <summary>One silo; every client gets a gate of its own, in creation order (the default client's first).</summary>
    private static Task<OrleansCacheTestCluster> StartAsync(List<ConnectionGate> gates) =>
        OrleansCacheTestCluster.StartAsync(1, o => o.ConfigureClientBuilder = client =>
        {
            var gate = new ConnectionGate();
            lock (gates)
            {
                gates.Add(gate);
            }

            client.Configure<ClientConnectionOptions>(c => c.ConfigureConnection(b => b.Use(gate.Use)));
        }, Token);
}
