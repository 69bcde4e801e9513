using Google.Protobuf;
using OrleansCache.Client;
using OrleansCache.Client.Caching;
using OrleansCache.Core.Protocol;
using OrleansCache.Fuzz.Tests.Infrastructure;
using OrleansCache.Fuzz.Tests.Silo;
using OrleansCache.Grains.Interfaces.Protocol;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Fuzzing;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Client;

/// <summary>
/// The cache client's handling of what its gateway pushes (invalidation batches, resync requests), fed fuzzed pushes
/// directly: it never throws, whatever the payload, and afterwards it still hears real invalidations and reads current
/// values. A malformed batch must make it revalidate, never crash or keep serving what it cannot vouch for.
/// </summary>
public sealed class PushFuzzTests
{
    private static readonly string[] Streams = ["cache.inv", "cache.inv", "cache.inv", "cache.resync", "cache.sub", string.Empty, "nope"];

    [Fact]
    public async Task OnPush_FuzzedPushes_NeverThrow_AndTheClientStillFollowsRealChanges()
    {
        using var logs = new LogCapture();
        await using var cluster = await TestCluster.StartAsync(silos: 1, o => o.LoggerFactory = logs.Factory, TestContext.Current.CancellationToken);
        var client = (OrleansCacheClient)cluster.Cache;
        var writer = await cluster.CreateCacheClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        foreach (var key in SiloInputGenerator.Keys)
        {
            await writer.SetAsync(key, "before", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("before", await client.GetAsync<string>(key, TestContext.Current.CancellationToken));
        }

        var fakeConnection = new object();
        var options = new FuzzOptions("client-pushes", ciInputs: 40_000)
        {
            // Generous fixed part: a push may start a revalidation, whose task and timer bookkeeping land on this thread.
            // What must never show is an allocation out of proportion to the push.
            MaxAllocatedBytes = length => 256 * 1024 + (64L * length),
        };

        var report = Fuzzer.Run(options, GeneratePush, bytes =>
        {
            var push = Push.Parser.ParseFrom(bytes);
            client.OnPush(push, fakeConnection);
            return Describe(push);
        });

        report.Publish();
        Assert.True(report.Count("inv:batch") > 0 && report.Count("inv:malformed") > 0 && report.Count("resync") > 0, report.ToString());
        await AssertFollowsRealChangesAsync(client, writer);
        Assert.Empty(logs.Errors);
    }

    /// <summary>A push as bytes: a real stream name or not, any sequence number, a batch that is valid, mutated or random.</summary>
    private static byte[] GeneratePush(Random random)
    {
        var push = new Push
        {
            Stream = random.Pick(Streams),
            Sequence = random.OneIn(3) ? (ulong)InterestingValues.NextInteger(random) : (ulong)random.Next(0, 5),
        };
        var batch = SiloInputGenerator.InvalidationBatch(random).ToByteArray();
        push.Payload = ByteString.CopyFrom(random.Next(4) switch
        {
            0 => ByteMutator.Mutate(random, batch),
            1 => random.OneIn(4) ? new Resync { Reason = random.Pick(InterestingValues.Strings) }.ToByteArray() : ByteMutator.RandomBytes(random, random.SkewedLength(128)),
            _ => batch,
        });
        return push.ToByteArray();
    }

    private static string Describe(Push push)
    {
        if (push.Stream == "cache.resync")
        {
            return "resync";
        }

        if (push.Stream != "cache.inv")
        {
            return "other-stream";
        }

        return Core.Protocol.PeerMessageParser<InvalidationBatch>.TryParse(push.Payload, out _, out _) ? "inv:batch" : "inv:malformed";
    }

    /// <summary>Each key changes for real: the client hears of it and reads the new value.</summary>
    private static async Task AssertFollowsRealChangesAsync(OrleansCacheClient client, IOrleansCacheClient writer)
    {
        foreach (var key in SiloInputGenerator.Keys)
        {
            var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnInvalidated(object? sender, CacheInvalidatedEventArgs e)
            {
                if (e.Kind == CacheInvalidationKind.Key && e.Target == key)
                {
                    heard.TrySetResult();
                }
            }

            client.Invalidated += OnInvalidated;
            try
            {
                await writer.SetAsync(key, "after", cancellationToken: TestContext.Current.CancellationToken);
                await heard.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            }
            finally
            {
                client.Invalidated -= OnInvalidated;
            }

            Assert.Equal("after", await client.GetAsync<string>(key, TestContext.Current.CancellationToken));
        }
    }
}
