using OrleansCache.TestSupport.Metrics;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class SingleFlightTests
{
    [Fact]
    public async Task OwnerStoppingGracefully_ReleasesItsLeaseWaiters_ToAskTheNewOwner_InsteadOfWaitingOutTheLease()
    {
        // Found by the fault-injection runner: a graceful stop took 30-60 s, held open by calls waiting on a lease of
        // an activation that was gone. And by CI: the answer to a waiting call, sent as the owner stopped, can be lost on
        // the owner's closing gateway connection; the waiter must then ask again, not fail.
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var token = TestContext.Current.CancellationToken;
        var owner = cluster.Silos[0];
        var key = cluster.KeyOwnedBy(owner, "lease");

        // The filler holds a ten-minute lease: a waiter that waited it out would never finish within the test's timeout.
        var filler = await cluster.CreateClientAsync(o => o.LeaseTimeout = TimeSpan.FromMinutes(10), token);
        var waiter = await cluster.CreateClientAsync(cancellationToken: token);
        var fillerRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFiller = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var filling = filler.Cache.GetOrCreateAsync(key, async _ =>
        {
            fillerRunning.TrySetResult();
            await releaseFiller.Task;
            return "filler";
        }, cancellationToken: token);
        await fillerRunning.Task.WaitAsync(Watch.Timeout, token);
        using var waits = new MetricTotals("OrleansCache.Client", scopes: [waiter.Services.GetService<System.Diagnostics.Metrics.IMeterFactory>()]);
        var waiting = waiter.Cache.GetOrCreateAsync(key, _ => Task.FromResult("waiter"), cancellationToken: token);
        await waits.WhenAsync("orleanscache.client.lease_waits", 1, Watch.Timeout);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await cluster.StopSiloAsync(owner, token);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"The stop took {stopping.Elapsed}: held up by the waiting call.");

        // The waiter asks the key's new activation, which has no lease (the filler's ended with the old one) and grants
        // the waiter one: its own factory runs. The filler's value, now late, is returned to the filler but not stored.
        Assert.Equal("waiter", await waiting.WaitAsync(Watch.Timeout, token));
        releaseFiller.SetResult();
        Assert.Equal("filler", await filling.WaitAsync(Watch.Timeout, token));
        Assert.Equal("waiter", await filler.Cache.GetAsync<string>(key, token));
    }

    [Fact]
    public async Task TwoHundredConcurrentMisses_FromFourClientsOverThreeSilos_RunFactoryOnce()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var clients = await CacheClusters.ClientsAsync(cluster, 4);
        var key = CacheClusters.Key("report");
        var runs = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var waits = new MetricTotals("OrleansCache.Client", scopes: clients.Select(c => c.Services.GetService<System.Diagnostics.Metrics.IMeterFactory>()));

        var calls = Enumerable.Range(0, 200).Select(i => clients[i % 4].Cache.GetOrCreateAsync(key, async ct =>
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            return "computed";
        }, cancellationToken: TestContext.Current.CancellationToken)).ToList();

        // Hold the fill until the other three clients are waiting on it in the grain (each client makes one call).
        await waits.WhenAsync("orleanscache.client.lease_waits", 3, Watch.Timeout);
        release.SetResult();
        var results = await Task.WhenAll(calls).WaitAsync(Watch.Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(1, runs);
        Assert.All(results, r => Assert.Equal("computed", r));
        foreach (var client in clients)
        {
            Assert.Equal("computed", await client.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task FactoryThrows_CallerGetsItsException_WaitersGetFactoryException_AndLeaseIsReleased()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 3);
        var clients = await CacheClusters.ClientsAsync(cluster, 4);
        var key = CacheClusters.Key("report");
        var runs = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var waits = new MetricTotals("OrleansCache.Client", scopes: clients.Select(c => c.Services.GetService<System.Diagnostics.Metrics.IMeterFactory>()));

        var calls = Enumerable.Range(0, 40).Select(i => clients[i % 4].Cache.GetOrCreateAsync<string>(key, async ct =>
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            throw new InvalidOperationException("database down");
        }, cancellationToken: TestContext.Current.CancellationToken)).ToList();
        // The other three clients are waiting on the fill before it fails (within a client, calls share one wait).
        await waits.WhenAsync("orleanscache.client.lease_waits", 3, Watch.Timeout);
        release.SetResult();
        var failures = await Task.WhenAll(calls.Select(async c => await Record.ExceptionAsync(() => c)));

        Assert.Equal(1, runs);
        Assert.Single(failures, f => f is InvalidOperationException);
        Assert.All(failures.Where(f => f is not InvalidOperationException), f =>
        {
            var factory = Assert.IsType<CacheFactoryException>(f);
            Assert.Contains("database down", factory.Message, StringComparison.Ordinal);
        });

        // Released: the next call fills.
        Assert.Equal("recovered", await clients[1].Cache.GetOrCreateAsync(key, _ => Task.FromResult("recovered"), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ConcurrentMissesInOneClient_ShareOneRemoteCreate_WaitersSeeTheFactorysFailure()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var client = (await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken)).Cache;
        var key = CacheClusters.Key("report");
        var runs = 0;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = client.GetOrCreateAsync<string>(key, async _ =>
        {
            Interlocked.Increment(ref runs);
            entered.SetResult();
            await release.Task;
            throw new InvalidOperationException("database down");
        }, cancellationToken: TestContext.Current.CancellationToken);
        await entered.Task.WaitAsync(Watch.Timeout, TestContext.Current.CancellationToken);
        var others = Enumerable.Range(0, 9).Select(_ => client.GetOrCreateAsync(key, _ => Task.FromResult("never runs"), cancellationToken: TestContext.Current.CancellationToken)).ToList();
        release.SetResult();

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        foreach (var other in others)
        {
            // Shared locally: the waiter's exception carries the factory's own, which only this client saw.
            var failure = await Assert.ThrowsAsync<CacheFactoryException>(() => other);
            Assert.IsType<InvalidOperationException>(failure.InnerException);
        }

        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task FillOvertakenByInvalidation_IsReturnedToCaller_ButNotStored()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var key = CacheClusters.Key();
        var factoryStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var fill = cluster.Cache.GetOrCreateAsync(key, async _ =>
        {
            factoryStarted.SetResult();
            await release.Task;
            return "computed-before-invalidation";
        }, cancellationToken: TestContext.Current.CancellationToken);
        await factoryStarted.Task.WaitAsync(Watch.Timeout, TestContext.Current.CancellationToken);
        var other = (await cluster.CreateClientAsync(cancellationToken: TestContext.Current.CancellationToken)).Cache;
        await other.InvalidateAsync(key, TestContext.Current.CancellationToken);
        release.SetResult();

        Assert.Equal("computed-before-invalidation", await fill);
        Assert.False(cluster.DefaultClient.Near().TryPeek(key, out _));
        Assert.False((await other.TryGetAsync<string>(key, TestContext.Current.CancellationToken)).Found);
    }

    [Fact]
    public async Task FactoryValueOverLimit_FailsWithArgumentError_AndReleasesTheLease()
    {
        await using var cluster = await CacheClusters.StartAsync(silos: 1);
        var small = (await cluster.CreateClientAsync(o => o.MaxValueBytes = 1024, TestContext.Current.CancellationToken)).Cache;
        var key = CacheClusters.Key();

        await Assert.ThrowsAsync<ArgumentException>(() => small.GetOrCreateAsync(key, _ => Task.FromResult(new string('v', 2000)), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("fits", await small.GetOrCreateAsync(key, _ => Task.FromResult("fits"), cancellationToken: TestContext.Current.CancellationToken));
    }
}
