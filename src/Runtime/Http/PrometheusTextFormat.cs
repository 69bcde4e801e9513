using System.Globalization;
using System.Text;
using OrleansCache.Core.Management;

namespace OrleansCache.Runtime.Http;

/// <summary>
/// Writes metric samples in the Prometheus text exposition format (version 0.0.4). Names follow Prometheus'
/// conventions: dots become underscores, the unit is appended (<c>ms</c> → <c>_milliseconds</c>), counters end in
/// <c>_total</c>, and histograms become cumulative <c>_bucket</c> series with <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class PrometheusTextFormat
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The Prometheus family name of an instrument, e.g. <c>orleanscache_calls_duration_milliseconds</c>.</summary>
    public static string FamilyName(string instrument, string? unit, MetricKind kind)
    {
        var name = Sanitize(instrument, allowColon: true);
        var suffix = unit switch
        {
            "ms" => "_milliseconds",
            "s" => "_seconds",
            "By" => "_bytes",
            _ => string.Empty,
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        return kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    public static string Format(IEnumerable<MetricSample> samples)
    {
        var text = new StringBuilder();
        foreach (var family in samples.GroupBy(s => FamilyName(s.Name, s.Unit, s.Kind), StringComparer.Ordinal).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var first = family.First();
            text.Append("# HELP ").Append(family.Key).Append(' ').Append(EscapeHelp(first.Description ?? first.Name)).Append('\n');
            text.Append("# TYPE ").Append(family.Key).Append(' ').Append(TypeOf(first.Kind)).Append('\n');

            // Two instruments whose names sanitize alike cannot share a family unless they are of one kind.
            foreach (var sample in family.Where(s => s.Kind == first.Kind))
            {
                if (sample.Kind == MetricKind.Histogram && sample.Histogram is { } histogram)
                {
                    WriteHistogram(text, family.Key, sample.Tags, histogram);
                }
                else
                {
                    WriteLine(text, family.Key, sample.Tags, null, sample.Value);
                }
            }
        }

        return text.ToString();
    }

    private static void WriteHistogram(StringBuilder text, string name, IReadOnlyDictionary<string, string> tags, HistogramSample histogram)
    {
        long cumulative = 0;
        for (var i = 0; i < histogram.Counts.Count; i++)
        {
            cumulative += histogram.Counts[i];
            var bound = i < histogram.Bounds.Count ? FormatNumber(histogram.Bounds[i]) : "+Inf";
            WriteLine(text, name + "_bucket", tags, bound, cumulative);
        }

        WriteLine(text, name + "_sum", tags, null, histogram.Sum);
        WriteLine(text, name + "_count", tags, null, cumulative);
    }

    private static void WriteLine(StringBuilder text, string name, IReadOnlyDictionary<string, string> tags, string? le, double value)
    {
        text.Append(name);
        var labels = tags
            .Select(t => (Name: Sanitize(t.Key, allowColon: false), t.Value))
            .Where(t => !string.Equals(t.Name, "le", StringComparison.Ordinal) && !t.Name.StartsWith("__", StringComparison.Ordinal))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        if (le is not null)
        {
            labels.Add(("le", le));
        }

        if (labels.Count > 0)
        {
            text.Append('{');
            for (var i = 0; i < labels.Count; i++)
            {
                text.Append(i == 0 ? string.Empty : ",").Append(labels[i].Name).Append("=\"").Append(EscapeLabelValue(labels[i].Value)).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatNumber(value)).Append('\n');
    }

    private static string TypeOf(MetricKind kind) => kind switch
    {
        MetricKind.Counter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };

    private static string FormatNumber(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Replaces what a metric (or label) name may not contain with '_'; a leading digit gets a '_' in front.</summary>
    private static string Sanitize(string name, bool allowColon)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
