using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Core.Management;
using OrleansCache.Runtime.Diagnostics;
using Xunit;

namespace OrleansCache.Runtime.Tests.Management;

public sealed class SiloMetricsCollectorTests
{
    [Fact]
    public void Collects_OnlyItsOwnFactorysOrleansCacheMeters_PerTagSet()
    {
        using var mine = NewMeterFactory();
        using var theirs = NewMeterFactory();
        using var collector = new SiloMetricsCollector(mine.GetRequiredService<IMeterFactory>(), TimeProvider.System);
        var counter = mine.GetRequiredService<IMeterFactory>().Create("OrleansCache.Test").CreateCounter<long>("test.rejected");
        var foreign = theirs.GetRequiredService<IMeterFactory>().Create("OrleansCache.Test").CreateCounter<long>("test.rejected");
        var unrelated = mine.GetRequiredService<IMeterFactory>().Create("Other.Library").CreateCounter<long>("other.count");

        counter.Add(2, new KeyValuePair<string, object?>("reason", "auth"));
        counter.Add(3, new KeyValuePair<string, object?>("reason", "auth"));
        counter.Add(1, new KeyValuePair<string, object?>("reason", "frame"));
        foreign.Add(100, new KeyValuePair<string, object?>("reason", "auth"));
        unrelated.Add(7);

        var samples = collector.Collect();

        Assert.All(samples, s => Assert.Equal("test.rejected", s.Name));
        Assert.Equal(5, samples.Single(s => s.Tags["reason"] == "auth").Value);
        Assert.Equal(1, samples.Single(s => s.Tags["reason"] == "frame").Value);
        Assert.All(samples, s => Assert.Equal(MetricKind.Counter, s.Kind));
    }

    [Fact]
    public void Histograms_CountIntoBuckets_AndObservableGaugesReportTheirLevel()
    {
        using var services = NewMeterFactory();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var collector = new SiloMetricsCollector(factory, TimeProvider.System);
        var meter = factory.Create("OrleansCache.Test");
        var histogram = meter.CreateHistogram<double>("test.duration", unit: "ms");
        var level = 41;
        meter.CreateObservableGauge("test.level", () => level);

        foreach (var value in new[] { 0.01, 0.3, 0.3, 7, 20_000 })
        {
            histogram.Record(value);
        }

        level = 42;
        var samples = collector.Collect();

        var duration = samples.Single(s => s.Name == "test.duration");
        Assert.Equal(MetricKind.Histogram, duration.Kind);
        Assert.Equal("ms", duration.Unit);
        Assert.Equal(5, duration.Histogram!.Count);
        Assert.Equal(20_007.61, duration.Value, precision: 6);
        Assert.Equal(1, duration.Histogram.Counts[0]); // <= 0.05
        Assert.Equal(2, duration.Histogram.Counts[3]); // (0.25, 0.5]
        Assert.Equal(1, duration.Histogram.Counts[^1]); // above every bound
        Assert.Equal(42, samples.Single(s => s.Name == "test.level").Value);
    }

    [Fact]
    public void SeriesPerInstrument_AreBounded_ExcessFoldsIntoOneOverflowSeries()
    {
        using var services = NewMeterFactory();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var collector = new SiloMetricsCollector(factory, TimeProvider.System);
        var counter = factory.Create("OrleansCache.Test").CreateCounter<long>("test.by_key");

        for (var i = 0; i < 1000; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("key", $"k{i}"));
        }

        var samples = collector.Collect();
        Assert.True(samples.Count <= 257, $"{samples.Count} series");
        Assert.Equal(1000, samples.Sum(s => s.Value));
        Assert.Contains(samples, s => s.Tags.TryGetValue("overflow", out var v) && v == "true");
    }

    private static ServiceProvider NewMeterFactory() => new ServiceCollection().AddMetrics().BuildServiceProvider();
}
