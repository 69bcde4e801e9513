using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Management;

/// <summary>
/// Totals and histogram summaries of this silo's cache instruments (meters <c>OrleansCache.Cache</c>,
/// <c>OrleansCache.Client</c> for the silo's own cache client, and <c>OrleansCache.Redis</c>), since the silo started,
/// for <see cref="SiloStatsGrain"/>. Listens from the start of the silo's lifecycle to its end.
/// </summary>
/// <remarks>
/// <para>
/// Only meters of this silo's <see cref="IMeterFactory"/> are read (and meters made without a factory, which belong to
/// the process): silos that share a process each report their own figures.
/// </para>
/// <para>
/// Bounded: at most <see cref="CacheSiloOptions.MaxStatsSeries"/> series, plus one <c>{overflow=true}</c> series per
/// instrument that takes the measurements of its further tag combinations. Series are named as in <see cref="SiloStats"/>:
/// <c>instrument{tag=value,...}</c> with tags in name order, or the bare instrument name without tags.
/// </para>
/// </remarks>
internal sealed class SiloMetricsCollector : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>The meters read.</summary>
    public static readonly IReadOnlySet<string> MeterNames = new HashSet<string>(StringComparer.Ordinal) { "OrleansCache.Cache", "OrleansCache.Client", "OrleansCache.Redis" };

    private const string OverflowTags = "overflow=true";

    private readonly IMeterFactory _meterFactory;
    private readonly TimeProvider _time;
    private readonly int _maxSeries;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _instruments = new();
    private int _series;
    private int _started;

    public SiloMetricsCollector(IMeterFactory meterFactory, TimeProvider time, IOptions<CacheSiloOptions> options)
    {
        _meterFactory = meterFactory;
        _time = time;
        _maxSeries = options.Value.MaxStatsSeries;
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.SetMeasurementEventCallback<long>((i, v, tags, state) => ((InstrumentSeries)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, state) => ((InstrumentSeries)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, state) => ((InstrumentSeries)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, state) => ((InstrumentSeries)state!).Record(v, tags));
    }

    /// <summary>When this silo started (when the collector began listening).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloMetricsCollector), ServiceLifecycleStage.First, _ =>
        {
            Start();
            return Task.CompletedTask;
        }, _ =>
        {
            // Figures stay readable until the silo is gone; only listening ends.
            _listener.Dispose();
            return Task.CompletedTask;
        });

    /// <summary>Starts listening; instruments created before and after are both seen.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            StartedAt = _time.GetUtcNow();
            _listener.Start();
        }
    }

    /// <summary>Counter totals (and gauge values) and histogram summaries by series, observable instruments read now.</summary>
    public (IReadOnlyDictionary<string, double> Counters, IReadOnlyDictionary<string, MetricSummary> Histograms) Snapshot()
    {
        _listener.RecordObservableInstruments();
        var counters = new Dictionary<string, double>(StringComparer.Ordinal);
        var histograms = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
        foreach (var instrument in _instruments.Values)
        {
            instrument.CopyTo(counters, histograms);
        }

        return (counters, histograms);
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        if (!MeterNames.Contains(meter.Name) || (meter.Scope is not null && !ReferenceEquals(meter.Scope, _meterFactory)))
        {
            return;
        }

        var series = _instruments.GetOrAdd(instrument, i => new InstrumentSeries(this, i));
        listener.EnableMeasurementEvents(instrument, series);
    }

    /// <summary>
    /// Takes one of the bounded series slots; false when all are taken. Two threads adding the same new series at once
    /// may both take a slot for it: the bound errs towards fewer series, never more.
    /// </summary>
    private bool TryTakeSeries()
    {
        if (Interlocked.Increment(ref _series) <= _maxSeries)
        {
            return true;
        }

        Interlocked.Decrement(ref _series);
        return false;
    }

    /// <summary>The series of one instrument, by their tags.</summary>
    private sealed class InstrumentSeries(SiloMetricsCollector owner, Instrument instrument)
    {
        private readonly Kind _kind = KindOf(instrument);
        private readonly ConcurrentDictionary<string, Series> _byTags = new(StringComparer.Ordinal);

        // Most measurements carry one tag: their series are found by the tag itself, without building the tag key
        // (an array, a sort and a string per measurement). Holds only series that have a slot, so it is bounded too.
        private readonly ConcurrentDictionary<(string Name, object? Value), Series> _byOneTag = new();

        private enum Kind
        {
            Sum,
            Last,
            Histogram,
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = tags.Length == 1 ? SeriesOfOneTag(tags[0]) : SeriesOf(TagKey(tags));

            switch (_kind)
            {
                case Kind.Sum:
                    DoubleCell.Add(ref series.Value, value);
                    break;
                case Kind.Last:
                    Volatile.Write(ref series.Value, value);
                    break;
                default:
                    series.Histogram!.Record(value);
                    break;
            }
        }

        private Series SeriesOfOneTag(KeyValuePair<string, object?> tag)
        {
            if (_byOneTag.TryGetValue((tag.Key, tag.Value), out var known))
            {
                return known;
            }

            var key = TagKey([tag]);
            var series = SeriesOf(key);
            if (_byTags.TryGetValue(key, out var own) && ReferenceEquals(own, series))
            {
                _byOneTag.TryAdd((tag.Key, tag.Value), series);
            }

            return series;
        }

        private Series SeriesOf(string key)
        {
            if (_byTags.TryGetValue(key, out var series))
            {
                return series;
            }

            return owner.TryTakeSeries()
                ? _byTags.GetOrAdd(key, _ => new Series(_kind == Kind.Histogram))
                : _byTags.GetOrAdd(OverflowTags, _ => new Series(_kind == Kind.Histogram));
        }

        public void CopyTo(Dictionary<string, double> counters, Dictionary<string, MetricSummary> histograms)
        {
            foreach (var (tags, series) in _byTags)
            {
                var name = tags.Length == 0 ? instrument.Name : $"{instrument.Name}{{{tags}}}";
                if (series.Histogram is { } histogram)
                {
                    histograms[name] = histogram.Summarize();
                }
                else
                {
                    counters[name] = Volatile.Read(ref series.Value);
                }
            }
        }

        /// <summary>Tags as <c>name=value</c> pairs in name order; no allocation without tags.</summary>
        private static string TagKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
            {
                return string.Empty;
            }

            var pairs = new KeyValuePair<string, object?>[tags.Length];
            tags.CopyTo(pairs);
            Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var text = new StringBuilder();
            foreach (var (name, value) in pairs)
            {
                text.Append(text.Length == 0 ? string.Empty : ",").Append(name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        /// <summary>
        /// Counters and up-down counters report increments (summed); observable ones and gauges report the current value
        /// (kept); histograms report values (summarized).
        /// </summary>
        private static Kind KindOf(Instrument instrument)
        {
            var type = instrument.GetType();
            var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            if (generic == typeof(Histogram<>))
            {
                return Kind.Histogram;
            }

            return generic == typeof(Counter<>) || generic == typeof(UpDownCounter<>) ? Kind.Sum : Kind.Last;
        }
    }

    private sealed class Series(bool histogram)
    {
        public double Value;

        public LogHistogram? Histogram { get; } = histogram ? new LogHistogram() : null;
    }
}
