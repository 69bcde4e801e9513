using OrleansCache.Core.Management;
using OrleansCache.Runtime.Http;
using OrleansCache.TestSupport.Http;
using Xunit;

namespace OrleansCache.Runtime.Tests.Http;

public sealed class PrometheusTextFormatTests
{
    [Fact]
    public void Format_CountersGaugesAndHistograms_ParseStrictly_WithPrometheusNames()
    {
        var awkward = "a \"quoted\" back\\slash\nand a new line";
        MetricSample[] samples =
        [
            new() { Name = "orleanscache.frames.rejected", Description = "Rejected frames.", Kind = MetricKind.Counter, Tags = Tags(("reason", "oversized")), Value = 3 },
            new() { Name = "orleanscache.frames.rejected", Description = "Rejected frames.", Kind = MetricKind.Counter, Tags = Tags(("reason", awkward)), Value = 1 },
            new() { Name = "orleanscache.activations.live", Description = "Live\\now\nper silo.", Kind = MetricKind.UpDownCounter, Value = 42 },
            new() { Name = "orleanscache.calls.duration", Unit = "ms", Description = "Durations.", Kind = MetricKind.Histogram, Value = 12.5,
                Histogram = new HistogramSample { Bounds = [1, 10], Counts = [2, 3, 1], Count = 6, Sum = 12.5 } },
        ];

        var scrape = PrometheusText.Parse(PrometheusTextFormat.Format(samples));

        Assert.Equal("counter", scrape.Families["orleanscache_frames_rejected_total"].Type);
        Assert.Equal(3, scrape.Sum("orleanscache_frames_rejected_total", ("reason", "oversized")));
        Assert.Equal(1, scrape.Sum("orleanscache_frames_rejected_total", ("reason", awkward)));
        Assert.Equal("gauge", scrape.Families["orleanscache_activations_live"].Type);
        Assert.Equal("Live\\now\nper silo.", scrape.Families["orleanscache_activations_live"].Help);
        var histogram = scrape.Families["orleanscache_calls_duration_milliseconds"];
        Assert.Equal("histogram", histogram.Type);
        Assert.Equal(["1", "10", "+Inf"], histogram.Samples.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).Select(s => s.Labels["le"]));
        Assert.Equal([2d, 5d, 6d], histogram.Samples.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).Select(s => s.Value));
        Assert.Equal(6, scrape.Sum("orleanscache_calls_duration_milliseconds_count"));
        Assert.Equal(12.5, scrape.Sum("orleanscache_calls_duration_milliseconds_sum"));
    }

    [Fact]
    public void FamilyName_FollowsPrometheusConventions()
    {
        Assert.Equal("orleanscache_calls_handled_total", PrometheusTextFormat.FamilyName("orleanscache.calls.handled", null, MetricKind.Counter));
        Assert.Equal("orleanscache_calls_duration_milliseconds", PrometheusTextFormat.FamilyName("orleanscache.calls.duration", "ms", MetricKind.Histogram));
        Assert.Equal("orleanscache_connections_open", PrometheusTextFormat.FamilyName("orleanscache.connections.open", null, MetricKind.UpDownCounter));
        Assert.Equal("_9lives_total", PrometheusTextFormat.FamilyName("9lives", null, MetricKind.Counter));
        Assert.Equal("a_b_c_total", PrometheusTextFormat.FamilyName("a-b c", null, MetricKind.Counter));
    }

    [Theory]
    [InlineData("m 1", "no line feed at the end")]
    [InlineData("m{a=\"x\\q\"} 1\n", "bad escape")]
    [InlineData("m{a=\"x} 1\n", "unterminated label value")]
    [InlineData("m{1a=\"x\"} 1\n", "bad label name")]
    [InlineData("m one\n", "not a number")]
    [InlineData("m 1\nm 2\n", "duplicate series")]
    [InlineData("a 1\nb 1\na{x=\"1\"} 1\n", "interleaved families")]
    [InlineData("# TYPE m counter\nm 1\n# TYPE m counter\n", "TYPE after samples")]
    [InlineData("# TYPE m nonsense\nm 1\n", "unknown type")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "cumulative count falls")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "no +Inf bucket")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "+Inf differs from _count")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"5\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "bounds do not ascend")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", "no _sum")]
    public void Parser_RejectsWhatPrometheusWouldRefuse(string text, string because)
    {
        var error = Assert.Throws<FormatException>(() => PrometheusText.Parse(text));
        Assert.False(string.IsNullOrEmpty(error.Message), because);
    }

    private static Dictionary<string, string> Tags(params (string Key, string Value)[] tags) => tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
}
