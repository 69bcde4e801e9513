using OrleansCache.Cli.Output;
using OrleansCache.Cli.Statistics;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

public sealed class StatsReportTests
{
    [Fact]
    public void ForSilo_ReadsHitsMissesInvalidationsAndDeliveries_FromTheCounters_AndLatencyFromTheHistogram()
    {
        var figures = StatsReport.ForSilo(Silo("a", hits: 3, misses: 1, published: 2, delivered: 5, new MetricSummary(4, 10, 1.5, 4, 4.25)));

        Assert.Equal((3L, 1L, 0.75, 2L, 5L), (figures.ReadHits, figures.ReadMisses, figures.HitRatio!.Value, figures.InvalidationsPublished, figures.BatchesSent));
        Assert.Equal(new LatencyFigures(4, 2.5, 1.5, 4, 4.25), figures.Delivery);
        Assert.Equal(7, figures.CacheEntryActivations);
        Assert.Equal("silo-a", figures.Name);
        Assert.Single(figures.Histograms);
        Assert.Null(figures.Error);
    }

    [Fact]
    public void Total_SumsTheSilosThatAnswered_AndMergesLatencyIntoCountAndMeanOnly()
    {
        SiloStats[] silos =
        [
            Silo("a", hits: 3, misses: 1, published: 2, delivered: 5, new MetricSummary(4, 10, 1, 2, 3)),
            Silo("b", hits: 1, misses: 3, published: 1, delivered: 1, new MetricSummary(1, 5, 5, 5, 5)),
            new SiloStats("c", "silo-c", DateTimeOffset.UnixEpoch, 0, new Dictionary<string, double>(), new Dictionary<string, MetricSummary>(), "did not answer within 5s"),
        ];

        var total = StatsReport.Total(silos);
        var c = StatsReport.ForSilo(silos[2]);

        Assert.Equal(("total", (string?)null), (total.Silo, total.Name));
        Assert.Equal((4L, 4L, 0.5, 3L, 6L, 14), (total.ReadHits, total.ReadMisses, total.HitRatio!.Value, total.InvalidationsPublished, total.BatchesSent, total.CacheEntryActivations));
        Assert.Equal(new LatencyFigures(5, 3, null, null, null), total.Delivery);
        Assert.Equal(4, total.Counters["orleanscache.cache.reads{result=hit}"]);
        Assert.Equal("did not answer within 5s", c.Error);
    }

    [Fact]
    public void ForSilo_WithoutTraffic_HasNoRatioAndNoLatency()
    {
        var figures = StatsReport.ForSilo(new SiloStats("idle", null, DateTimeOffset.UnixEpoch, 0, new Dictionary<string, double>(), new Dictionary<string, MetricSummary>(), null));

        Assert.Null(figures.HitRatio);
        Assert.Equal(LatencyFigures.None, figures.Delivery);
    }

    [Theory]
    [InlineData("orleanscache.cache.reads{result=hit}", "orleanscache.cache.reads", "result", "hit")]
    [InlineData("orleanscache.cache.deliveries{outcome=sent,silo=a}", "orleanscache.cache.deliveries", "outcome", "sent")]
    [InlineData("orleanscache.cache.feeds.round_trip.duration", "orleanscache.cache.feeds.round_trip.duration", null, null)]
    public void MetricKey_ReadsTheNameAndTags(string key, string name, string? tag, string? value)
    {
        var parsed = MetricKey.Parse(key);

        Assert.Equal(name, parsed.Name);
        Assert.True(parsed.Is(name, tag, value));
        Assert.False(parsed.Is(name, "result", "nothing"));
    }

    private static SiloStats Silo(string address, long hits, long misses, long published, long delivered, MetricSummary delivery) => new(
        address,
        $"silo-{address}",
        DateTimeOffset.UnixEpoch,
        7,
        new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [$"{StatsReport.Reads}{{result=hit}}"] = hits,
            [$"{StatsReport.Reads}{{result=miss}}"] = misses,
            [$"{StatsReport.InvalidationsPublished}{{kind=key}}"] = published,
            [$"{StatsReport.Deliveries}{{outcome=sent}}"] = delivered,
            [$"{StatsReport.Deliveries}{{outcome=heartbeat}}"] = 100,
        },
        new Dictionary<string, MetricSummary>(StringComparer.Ordinal) { [StatsReport.DeliveryDuration] = delivery },
        null);
}
