using System.Diagnostics.Metrics;
using OrleansCache.Core.Management;

namespace OrleansCache.Runtime.Diagnostics;

/// <summary>
/// The series of one instrument, one per distinct tag set. Lookups scan a small immutable array without allocating,
/// since instruments here have a handful of tag values; the number of series is capped so a tag with unbounded
/// values cannot grow memory without limit (the excess folds into one overflow series).
/// </summary>
internal sealed class InstrumentAggregate
{
    private const int MaxSeries = 256;
    private static readonly KeyValuePair<string, object?>[] OverflowTags = [new("overflow", "true")];

    private readonly Instrument _instrument;
    private readonly MetricKind _kind;
    private readonly Lock _addLock = new();
    private MetricSeries[] _series = [];

    public InstrumentAggregate(Instrument instrument)
    {
        _instrument = instrument;
        _kind = instrument switch
        {
            Histogram<double> or Histogram<long> or Histogram<int> => MetricKind.Histogram,
            UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> or ObservableUpDownCounter<long> or ObservableUpDownCounter<int> or ObservableUpDownCounter<double> => MetricKind.UpDownCounter,
            ObservableGauge<long> or ObservableGauge<int> or ObservableGauge<double> or Gauge<long> or Gauge<int> or Gauge<double> => MetricKind.Gauge,
            _ => MetricKind.Counter,
        };
    }

    public string Name => _instrument.Name;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags) ?? Add(tags);
        if (_kind == MetricKind.Histogram)
        {
            series.Observe(value);
        }
        else if (_kind == MetricKind.Gauge || _instrument.IsObservable)
        {
            // Gauges report a level, and observable counters their running total, not an increment.
            series.Set(value);
        }
        else
        {
            series.Add(value);
        }
    }

    public IEnumerable<MetricSample> Samples()
    {
        // Nothing recorded yet: one zero series without tags, so /metrics lists every instrument from the start and
        // scrapers see counters begin at 0 rather than appear from nowhere.
        var all = Volatile.Read(ref _series);
        if (all.Length == 0)
        {
            all = [new MetricSeries([], _kind == MetricKind.Histogram)];
        }

        foreach (var series in all)
        {
            yield return new MetricSample
            {
                Name = _instrument.Name,
                Unit = _instrument.Unit,
                Description = _instrument.Description,
                Kind = _kind,
                Tags = series.Tags,
                Value = series.Value,
                Histogram = _kind == MetricKind.Histogram ? series.HistogramSnapshot() : null,
            };
        }
    }

    private MetricSeries? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var series in Volatile.Read(ref _series))
        {
            if (series.Matches(tags))
            {
                return series;
            }
        }

        return null;
    }

    private MetricSeries Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_addLock)
        {
            var existing = Find(tags);
            if (existing is not null)
            {
                return existing;
            }

            var current = _series;
            if (current.Length >= MaxSeries)
            {
                return Find(OverflowTags) ?? Append(current, OverflowTags);
            }

            return Append(current, tags);
        }
    }

    private MetricSeries Append(MetricSeries[] current, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = new MetricSeries(tags, _kind == MetricKind.Histogram);
        Volatile.Write(ref _series, [.. current, series]);
        return series;
    }
}
