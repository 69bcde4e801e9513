using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansCache.Grains;
using OrleansCache.Grains.Management;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

/// <summary>
/// The silo's collector names series the same way whichever path a measurement takes: one tag (found by the tag itself)
/// or several (found by their sorted key).
/// </summary>
public sealed class SiloMetricsCollectorTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly SiloMetricsCollector _collector;
    private readonly Meter _meter;

    public SiloMetricsCollectorTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _collector = new SiloMetricsCollector(factory, TimeProvider.System, Options.Create(new CacheSiloOptions { MaxStatsSeries = 4 }));
        _collector.Start();
        _meter = factory.Create(new MeterOptions("OrleansCache.Cache"));
    }

    [Fact]
    public void OneTag_AndSeveralTags_AreNamedByTheirSortedTags_WhateverTheValueType()
    {
        var counter = _meter.CreateCounter<long>("orleanscache.test.writes");

        for (var i = 0; i < 3; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("kind", "key"));
            counter.Add(10, new KeyValuePair<string, object?>("found", true));
            counter.Add(100, new KeyValuePair<string, object?>("kind", "key"), new KeyValuePair<string, object?>("attempt", 2));
        }

        counter.Add(5);

        var (counters, _) = _collector.Snapshot();
        Assert.Equal(3, counters["orleanscache.test.writes{kind=key}"]);
        Assert.Equal(30, counters["orleanscache.test.writes{found=True}"]);
        Assert.Equal(300, counters["orleanscache.test.writes{attempt=2,kind=key}"]);
        Assert.Equal(5, counters["orleanscache.test.writes"]);
    }

    [Fact]
    public void OneTagValues_PastTheBound_GoToOverflow_AndStayThere()
    {
        var counter = _meter.CreateCounter<long>("orleanscache.test.series");

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("n", i));
            }
        }

        var (counters, _) = _collector.Snapshot();
        var series = counters.Where(c => c.Key.StartsWith("orleanscache.test.series", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, series.Count);
        Assert.Equal(20, series.Sum(c => c.Value));
        Assert.Equal(12, counters["orleanscache.test.series{overflow=true}"]);
        Assert.All(series.Where(s => !s.Key.Contains("overflow", StringComparison.Ordinal)), s => Assert.Equal(2, s.Value));
    }

    public void Dispose()
    {
        _collector.Dispose();
        _services.Dispose();
    }
}
