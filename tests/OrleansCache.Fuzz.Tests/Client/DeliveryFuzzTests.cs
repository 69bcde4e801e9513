using OrleansCache.Client.Diagnostics;
using OrleansCache.Client.Feeds;
using OrleansCache.Fuzz.Tests.Infrastructure;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Fuzzing;
using OrleansCache.TestSupport.Metrics;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Client;

/// <summary>
/// Malformed invalidation deliveries pushed into a live client's feed consumer, through the observer Orleans calls and
/// directly: the client never throws back at Orleans, answers each malformed delivery for its current subscription by
/// resynchronizing the partition, and never serves a stale value: after a probe write, the client reads the new value.
/// </summary>
[Collection(FuzzClusterCollection.Name)]
public sealed class DeliveryFuzzTests(FuzzCluster fuzz)
{
    /// <summary>How long a probe's new value may take to reach the client: generous, the machine is shared.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task MalformedDeliveries_NeverThrow_AreAnsweredByResync_AndNoStaleValueIsServed()
    {
        var token = TestContext.Current.CancellationToken;
        var cluster = fuzz.Cluster;
        var mark = fuzz.Logs.Entries.Count;
        using var resyncs = new MetricTotals(CacheClientMetrics.MeterName, "reason");
        var victim = await cluster.CreateClientAsync(cancellationToken: token);
        var consumer = victim.Feeds();
        var observer = new InvalidationObserver(consumer);
        var held = KeyPerPartition(fuzz.Id);
        foreach (var key in held)
        {
            await cluster.Cache.SetAsync(key, "v0", cancellationToken: token);
            Assert.Equal("v0", await victim.Cache.GetAsync<string>(key, token));
        }

        await WaitUntilLiveAsync(consumer);
        var options = new FuzzOptions("client-deliveries", ciInputs: 1000) { CaseTimeout = TimeSpan.FromSeconds(30) };
        long probes = 0;

        var report = await Fuzzer.RunAsync(options, async (random, index, ct) =>
        {
            var partition = random.Next(CachePartitions.Count);
            var (subscription, _, epoch, next) = consumer.StateOf(partition);
            var (delivery, label) = DeliveryGenerator.Next(random, partition, subscription, epoch, next);

            // As Orleans calls it (one-way push or answered delivery), or straight into the consumer.
            var answer = random.Next(3) switch
            {
                0 => await observer.DeliverAsync(delivery!),
                1 => await PushAsync(observer, delivery!),
                _ => consumer.OnDelivery(delivery!),
            };
            if (answer < -1)
            {
                throw new InvalidOperationException($"The consumer answered {answer}: not a position nor -1.");
            }

            // Now and then: a write to a key the client holds in that partition must reach it (no stale value served).
            if (random.OneIn(20))
            {
                var key = held[partition];
                var value = $"v{index}";
                await cluster.Cache.SetAsync(key, value, cancellationToken: ct);
                await Eventually.TrueAsync(async () => await victim.Cache.GetAsync<string>(key, ct) == value, $"client to read {key} = {value} after a {label} delivery (seed {options.Seed}, case {index})", ProbeTimeout, ct);
                Interlocked.Increment(ref probes);
            }

            return label;
        }, token);

        report.Publish();
        var failure = $"seed {options.Seed} (replay with FUZZ_SEED={options.Seed})";
        TestContext.Current.SendDiagnosticMessage($"client-deliveries (seed {options.Seed}): {probes} probes; resyncs by reason: {resyncs.DescribeByTag()}");

        // Every resync converges: each partition is live again, and every held key reads the cluster's latest value.
        await WaitUntilLiveAsync(consumer);
        foreach (var key in held)
        {
            await cluster.Cache.SetAsync(key, "final", cancellationToken: token);
            await Eventually.TrueAsync(async () => await victim.Cache.GetAsync<string>(key, token) == "final", $"{key} to read its final value ({failure})", ProbeTimeout, token);
        }

        Assert.True(resyncs.ByTag.GetValueOrDefault("malformed") > 0, $"{failure}: no malformed delivery made the client resynchronize: {resyncs.DescribeByTag()}");
        Assert.True(probes > 0, $"{failure}: no probe ran");
        Assert.True(report.Count("huge_batch") > 0 && report.Count("null") > 0, report.ToString());
        Assert.Empty(fuzz.ErrorsSince(mark));
    }

    private static async Task<long> PushAsync(InvalidationObserver observer, InvalidationDelivery delivery)
    {
        await observer.PushAsync(delivery);
        return 0;
    }

    /// <summary>One key in each partition, so a probe can reach any partition the fuzzer hit.</summary>
    private static string[] KeyPerPartition(string id)
    {
        var keys = new string?[CachePartitions.Count];
        for (var i = 0; keys.Any(k => k is null); i++)
        {
            var key = $"held:{id}:{i}";
            keys[CachePartitions.Of(key)] ??= key;
        }

        return [.. keys.Select(k => k!)];
    }

    private static Task WaitUntilLiveAsync(InvalidationConsumer consumer) => Eventually.TrueAsync(
        () => Enumerable.Range(0, CachePartitions.Count).All(p => consumer.StateOf(p).Live),
        "the client to be subscribed to every partition",
        TimeSpan.FromSeconds(30),
        TestContext.Current.CancellationToken);
}
