using OrleansCache.Fuzz.Tests.Infrastructure;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Regressions;

/// <summary>
/// What the delivery fuzzer found: a batch with a bad item (or a number no feed sends) for the client's current
/// subscription used to be taken as received, so the feed's real batch of that number was later dropped as a copy and
/// the client kept serving the old value. It now makes the partition resynchronize. And a problem noticed while a
/// resynchronization of the partition was already running used to leave its entries served until that round ended; the
/// partition now stops serving them at once.
/// </summary>
[Collection(FuzzClusterCollection.Name)]
public sealed class MalformedDeliveryTests(FuzzCluster fuzz)
{
    [Fact]
    public async Task MalformedBatchCarryingTheNextNumber_MakesThePartitionResync_AndTheNextWriteIsSeen()
    {
        var token = TestContext.Current.CancellationToken;
        var cluster = fuzz.Cluster;
        var client = await cluster.CreateClientAsync(cancellationToken: token);
        foreach (var fault in new[] { "null_target", "undefined_kind", "zero_sequence", "zero_epoch", "null_items" })
        {
            // Every key in one partition: each fault arrives soon after the previous one's resynchronization, often
            // while its revalidation still runs (the partition must stop serving at once then too).
            var key = Enumerable.Range(0, 1000).Select(i => $"regression:{fuzz.Id}:{fault}:{i}").First(k => CachePartitions.Of(k) == 3);
            await cluster.Cache.SetAsync(key, "old", cancellationToken: token);
            Assert.Equal("old", await client.Cache.GetAsync<string>(key, token));
            var partition = CachePartitions.Of(key);
            await Eventually.TrueAsync(() => client.Feeds().StateOf(partition).Live && client.Serves(key), $"{fault}: the client to hold the key on a live subscription", cancellationToken: token);
            var (subscription, _, epoch, next) = client.Feeds().StateOf(partition);
            var trusted = client.Impl().NearCache.TrustEpoch(partition);
            var delivery = new InvalidationDelivery(partition, subscription, epoch, next, [Invalidation.ForKey("unheld:1", CacheVersion.None)], 0, Closing: false);
            delivery = fault switch
            {
                "null_target" => delivery with { Items = [new Invalidation(InvalidationKind.Key, null, CacheVersion.Max)] },
                "undefined_kind" => delivery with { Items = [new Invalidation((InvalidationKind)200, key, CacheVersion.Max)] },
                "zero_sequence" => delivery with { Sequence = 0 },
                "zero_epoch" => delivery with { Epoch = 0 },
                _ => delivery with { Items = null! },
            };

            var answer = client.Feeds().OnDelivery(delivery);

            Assert.Equal(-1, answer);
            // The delivery itself stops the partition's entries being served (a new trust epoch, before it returns); a
            // resynchronization may then confirm the key again within milliseconds, so "not served" is not what to check.
            Assert.True(client.Impl().NearCache.TrustEpoch(partition) > trusted, $"{fault}: the partition's entries are still trusted after a malformed batch");
            await cluster.Cache.SetAsync(key, "new", cancellationToken: token);
            await Eventually.TrueAsync(async () => await client.Cache.GetAsync<string>(key, token) == "new", $"{fault}: the client to read the new value", TimeSpan.FromSeconds(10), token);
        }
    }
}
