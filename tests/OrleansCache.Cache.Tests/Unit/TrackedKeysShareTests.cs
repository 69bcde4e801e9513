using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

/// <summary>A feed's share of a client's tracking limit leaves room for the uneven spread of keys over partitions.</summary>
public sealed class TrackedKeysShareTests
{
    [Theory]
    [InlineData(1_000_000)]
    [InlineData(100_000)]
    public void AClientTrackingAsManyKeysAsItsLimit_FitsInEveryPartitionsShare(int limit)
    {
        // As many distinct keys as the limit allows, spread by the cache's own hash: no partition gets more than its share
        // (with an even split, about half of the partitions would: the found regression at 1M near-cache entries).
        var perPartition = new int[CachePartitions.Count];
        for (var i = 0; i < limit; i++)
        {
            perPartition[CachePartitions.Of($"user:{i}")]++;
        }

        var share = InvalidationFeedGrain.TrackedKeysPerPartition(limit);
        Assert.True(perPartition.Max() <= share, $"The fullest partition holds {perPartition.Max()} keys; its share is {share}.");
        Assert.True(perPartition.Max() > limit / CachePartitions.Count, "The keys spread evenly; the test shows nothing.");
        Assert.True(share * CachePartitions.Count <= limit + limit / 8 + CachePartitions.Count, "The share lets a client track far more than its limit.");
    }

    [Fact]
    public void ASmallLimit_GivesEachPartitionTheFloorOf100() =>
        Assert.Equal(100, InvalidationFeedGrain.TrackedKeysPerPartition(100));
}
