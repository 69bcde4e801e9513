using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

public sealed class ContractsTests
{
    [Theory]
    [InlineData("user:123:*", "user:123:profile", true)]
    [InlineData("user:123:*", "user:123:", true)]
    [InlineData("user:123:*", "user:1234:x", false)]
    [InlineData("user:?", "user:1", true)]
    [InlineData("user:?", "user:12", false)]
    [InlineData("*:profile", "user:1:profile", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("*", "", true)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "Exact", false)]
    public void Glob_MatchesLikeRedis(string pattern, string key, bool expected)
    {
        Assert.Equal(expected, GlobPattern.IsMatch(pattern, key));
    }

    [Fact]
    public void Glob_PathologicalPattern_StaysFast()
    {
        var pattern = string.Concat(Enumerable.Repeat("a*", 50)) + "b";
        var key = new string('a', 5000);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(GlobPattern.IsMatch(pattern, key));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("user:123:*", "user:123:")]
    [InlineData("*", "")]
    [InlineData("plain", "plain")]
    public void Glob_LiteralPrefix_IsTextBeforeFirstWildcard(string pattern, string prefix)
    {
        Assert.Equal(prefix, GlobPattern.LiteralPrefix(pattern));
    }

    [Fact]
    public void Versions_OrderByEraThenActivationThenChange()
    {
        CacheVersion[] ordered = [CacheVersion.None, new(1, 1, 5), new(1, 2, 1), new(2, 0, 0), CacheVersion.Max];
        for (var i = 1; i < ordered.Length; i++)
        {
            Assert.True(ordered[i - 1] < ordered[i]);
            Assert.True(ordered[i] > ordered[i - 1]);
        }

        Assert.Equal(new CacheVersion(2, 0, 0), CacheVersion.Later(new(1, 9, 9), new(2, 0, 0)));
    }

    [Theory]
    [InlineData("tenant:42")]
    [InlineData("a.b-c_d/e")]
    public void Tags_Valid_Pass(string tag) => CacheInputRules.ValidateTag(tag);

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("star*")]
    [InlineData("ünicode")]
    public void Tags_Invalid_ThrowArgumentException(string tag) => Assert.Throws<ArgumentException>(() => CacheInputRules.ValidateTag(tag));

    [Fact]
    public void Partitions_AreStableAcrossProcesses_AndSpreadKeys()
    {
        // The hash is part of the wire contract: clients and silos of different builds must agree on it.
        Assert.Equal(2166136261u, CachePartitions.Hash(""));
        Assert.Equal(2650287552u, CachePartitions.Hash("user:42"));
        Assert.Equal(0, CachePartitions.Of("user:42"));
        Assert.Equal(CachePartitions.Of("user:42"), CachePartitions.Of(new string("user:42".ToCharArray())));
        var counts = new int[CachePartitions.Count];
        for (var i = 0; i < 16_000; i++)
        {
            counts[CachePartitions.Of($"user:{i}")]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 700, 1300));
    }
}
