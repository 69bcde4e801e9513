using OrleansCache.Core.Management;
using Xunit;

namespace OrleansCache.Runtime.Tests.Management;

public sealed class HistogramSampleTests
{
    private static readonly double[] Bounds = [1, 10, 100];

    [Fact]
    public void Quantile_InterpolatesInsideTheBucketThatHoldsIt()
    {
        // 10 values in (0,1], 10 in (1,10]: the median is the top of the first bucket, p75 halfway through the second.
        var histogram = new HistogramSample { Bounds = Bounds, Counts = [10, 10, 0, 0], Count = 20 };

        Assert.Equal(1, histogram.Quantile(0.5), precision: 6);
        Assert.Equal(5.5, histogram.Quantile(0.75), precision: 6);
        Assert.Equal(10, histogram.Quantile(1), precision: 6);
    }

    [Fact]
    public void Quantile_AboveTheLastBound_IsTheLastBound_AndEmptyIsNaN()
    {
        Assert.Equal(100, new HistogramSample { Bounds = Bounds, Counts = [0, 0, 0, 5], Count = 5 }.Quantile(0.99));
        Assert.True(double.IsNaN(new HistogramSample { Bounds = Bounds, Counts = [0, 0, 0, 0] }.Quantile(0.5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistogramSample { Bounds = Bounds, Counts = [1, 0, 0, 0], Count = 1 }.Quantile(1.5));
    }
}
