using OrleansCache.Cli.Output;
using OrleansCache.Cli.Statistics;
using OrleansCache.Core.Management;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

public sealed class StatsReportTests
{
    private static readonly double[] Bounds = [1, 10, 100];

    [Fact]
    public void Total_SumsCountersAndMergesHistograms_AcrossSilosThatAnswered()
    {
        SiloStatistics[] silos =
        [
            Silo("a", hits: 3, misses: 1, published: 2, calls: 10, latency: [10, 0, 0, 0]),
            Silo("b", hits: 1, misses: 3, published: 1, calls: 10, latency: [0, 0, 10, 0]),
            new SiloStatistics { Address = "c", Error = "timed out" },
        ];

        var total = StatsReport.Total(silos);
        var a = StatsReport.ForSilo(silos[0]);
        var c = StatsReport.ForSilo(silos[2]);

        Assert.Equal((4, 4, 0.5, 3, 20), (total.ReadHits, total.ReadMisses, total.HitRatio!.Value, total.InvalidationsPublished, total.CallsHandled));
        // 20 calls: half in (0, 1], half in (10, 100]: the median is at the top of the first bucket.
        Assert.Equal(1, total.CallP50Ms!.Value, precision: 6);
        Assert.InRange(total.CallP99Ms!.Value, 90, 100);
        Assert.Equal(0.75, a.HitRatio);
        Assert.InRange(a.CallP99Ms!.Value, 0.9, 1);
        Assert.Equal("timed out", c.Error);
    }

    [Fact]
    public void ForSilo_WithoutTraffic_HasNoRatioAndNoPercentiles()
    {
        var figures = StatsReport.ForSilo(new SiloStatistics { Address = "idle" });

        Assert.Null(figures.HitRatio);
        Assert.Null(figures.CallP50Ms);
    }

    [Fact]
    public void TextTable_PadsColumns_AndAlignsNumbersRight()
    {
        var table = new TextTable("NAME", "COUNT").AlignRight("COUNT");
        table.Add("a", "5");
        table.Add("longer", "1234");

        Assert.Equal("NAME    COUNT\na           5\nlonger   1234\n", table.ToString());
    }

    private static SiloStatistics Silo(string address, long hits, long misses, long published, long calls, long[] latency) => new()
    {
        Address = address,
        Metrics =
        [
            Counter(StatsReport.Reads, hits, ("result", "hit")),
            Counter(StatsReport.Reads, misses, ("result", "miss")),
            Counter(StatsReport.InvalidationsPublished, published, ("kind", "key")),
            Counter(StatsReport.CallsHandled, calls, ("outcome", "ok")),
            new MetricSample
            {
                Name = StatsReport.CallDuration,
                Kind = MetricKind.Histogram,
                Histogram = new HistogramSample { Bounds = Bounds, Counts = latency, Count = latency.Sum() },
            },
        ],
    };

    private static MetricSample Counter(string name, long value, (string Key, string Value) tag) => new()
    {
        Name = name,
        Kind = MetricKind.Counter,
        Value = value,
        Tags = new Dictionary<string, string>(StringComparer.Ordinal) { [tag.Key] = tag.Value },
    };
}
