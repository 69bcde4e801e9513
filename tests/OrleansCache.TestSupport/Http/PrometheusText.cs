using System.Globalization;
using System.Text;

namespace OrleansCache.TestSupport.Http;

/// <summary>
/// A strict parser of the Prometheus text exposition format (0.0.4), for tests of <c>/metrics</c>: anything a
/// Prometheus server would refuse, or that breaks the format's rules, throws <see cref="FormatException"/>.
/// </summary>
/// <remarks>
/// Checked: HELP/TYPE syntax and escapes, one TYPE per family before its samples, families not interleaved, metric and
/// label names, label-value escapes, number syntax, no duplicate series, and for histograms: every series has an
/// <c>le="+Inf"</c> bucket, bounds ascend, cumulative counts never fall, and the +Inf bucket equals <c>_count</c>.
/// </remarks>
public sealed class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    private PrometheusText(Dictionary<string, PrometheusFamily> families) => Families = families;

    /// <summary>The families, by name.</summary>
    public IReadOnlyDictionary<string, PrometheusFamily> Families { get; }

    /// <summary>Every sample of every family.</summary>
    public IEnumerable<PrometheusSample> Samples => Families.Values.SelectMany(f => f.Samples);

    /// <summary>The sum of every sample named <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <exception cref="FormatException">The text breaks the format; the message names the line.</exception>
    public static PrometheusText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("The exposition must end with a line feed.");
        }

        var families = new Dictionary<string, PrometheusFamily>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        PrometheusFamily? current = null;
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var number = 1; number <= lines.Length - 1; number++)
        {
            var line = lines[number - 1];
            try
            {
                if (line.Length == 0)
                {
                    continue;
                }

                if (line.StartsWith('#'))
                {
                    current = ParseComment(line, families, finished, current);
                    continue;
                }

                var sample = ParseSample(line);
                var family = FamilyOf(sample.Name, families);
                if (!ReferenceEquals(family, current))
                {
                    if (current is not null)
                    {
                        finished.Add(current.Name);
                    }

                    if (finished.Contains(family.Name))
                    {
                        throw new FormatException($"The samples of {family.Name} are not together.");
                    }

                    current = family;
                }

                if (!series.Add(sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}"))
                {
                    throw new FormatException($"Duplicate series {sample.Name}.");
                }

                family.Add(sample);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"Line {number}: {ex.Message} ({line})", ex);
            }
        }

        foreach (var family in families.Values.Where(f => f.Type == "histogram"))
        {
            CheckHistogram(family);
        }

        return new PrometheusText(families);
    }

    private static PrometheusFamily? ParseComment(string line, Dictionary<string, PrometheusFamily> families, HashSet<string> finished, PrometheusFamily? current)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length < 3 || parts[0] != "#" || (parts[1] != "HELP" && parts[1] != "TYPE"))
        {
            return current; // An ordinary comment.
        }

        var name = parts[2];
        CheckMetricName(name);
        if (finished.Contains(name))
        {
            throw new FormatException($"{parts[1]} for {name} after its samples.");
        }

        if (current is not null && current.Name != name)
        {
            finished.Add(current.Name);
        }

        if (!families.TryGetValue(name, out var family))
        {
            family = families[name] = new PrometheusFamily(name);
        }

        if (family.Samples.Count > 0)
        {
            throw new FormatException($"{parts[1]} for {name} after its samples.");
        }

        if (parts[1] == "HELP")
        {
            if (family.Help is not null)
            {
                throw new FormatException($"Second HELP for {name}.");
            }

            family.Help = parts.Length == 4 ? UnescapeHelp(parts[3]) : string.Empty;
        }
        else
        {
            if (family.Type is not null)
            {
                throw new FormatException($"Second TYPE for {name}.");
            }

            if (parts.Length != 4 || !Types.Contains(parts[3]))
            {
                throw new FormatException($"Unknown TYPE for {name}.");
            }

            family.Type = parts[3];
        }

        return family;
    }

    private static PrometheusFamily FamilyOf(string sampleName, Dictionary<string, PrometheusFamily> families)
    {
        if (families.TryGetValue(sampleName, out var exact) && exact.Type != "histogram" && exact.Type != "summary")
        {
            return exact;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sampleName[..^suffix.Length], out var family)
                && family.Type is "histogram" or "summary")
            {
                return family;
            }
        }

        if (exact is not null)
        {
            throw new FormatException($"{sampleName} is a {exact.Type}; its samples need _bucket, _sum or _count.");
        }

        // Untyped, as Prometheus treats a sample without a TYPE line.
        return families[sampleName] = new PrometheusFamily(sampleName) { Type = "untyped" };
    }

    private static PrometheusSample ParseSample(string line)
    {
        var position = 0;
        var name = ReadName(line, ref position, allowColon: true);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Peek(line, position) == '{')
        {
            position++;
            while (Peek(line, position) != '}')
            {
                var label = ReadName(line, ref position, allowColon: false);
                Expect(line, ref position, '=');
                Expect(line, ref position, '"');
                var value = new StringBuilder();
                while (Peek(line, position) != '"')
                {
                    var c = Peek(line, position++);
                    if (c == '\0')
                    {
                        throw new FormatException("Unterminated label value.");
                    }

                    value.Append(c != '\\' ? c : Peek(line, position++) switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        var e => throw new FormatException($"Bad escape \\{e} in a label value."),
                    });
                }

                position++;
                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw new FormatException($"Label {label} appears twice.");
                }

                if (Peek(line, position) == ',')
                {
                    position++;
                }
                else if (Peek(line, position) != '}')
                {
                    throw new FormatException("Expected ',' or '}' after a label.");
                }
            }

            position++;
        }

        Expect(line, ref position, ' ');
        var fields = line[position..].Split(' ');
        if (fields.Length is < 1 or > 2)
        {
            throw new FormatException("Expected a value and at most a timestamp.");
        }

        var sampleValue = ParseNumber(fields[0]);
        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"Bad timestamp '{fields[1]}'.");
        }

        return new PrometheusSample(name, labels, sampleValue);
    }

    private static void CheckHistogram(PrometheusFamily family)
    {
        var groups = family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")), StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var buckets = group.Where(s => s.Name == family.Name + "_bucket").ToList();
            var count = group.SingleOrDefault(s => s.Name == family.Name + "_count") ?? throw new FormatException($"{family.Name}{{{group.Key}}} has no _count.");
            _ = group.SingleOrDefault(s => s.Name == family.Name + "_sum") ?? throw new FormatException($"{family.Name}{{{group.Key}}} has no _sum.");
            if (buckets.Count == 0 || buckets.Any(b => !b.Labels.ContainsKey("le")))
            {
                throw new FormatException($"{family.Name}{{{group.Key}}} has no buckets, or a bucket without le.");
            }

            var previousBound = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var bucket in buckets)
            {
                var bound = ParseNumber(bucket.Labels["le"]);
                if (bound <= previousBound)
                {
                    throw new FormatException($"{family.Name}{{{group.Key}}}: bucket bounds do not ascend at le={bucket.Labels["le"]}.");
                }

                if (bucket.Value < previousCount)
                {
                    throw new FormatException($"{family.Name}{{{group.Key}}}: cumulative count falls at le={bucket.Labels["le"]}.");
                }

                previousBound = bound;
                previousCount = bucket.Value;
            }

            if (!double.IsPositiveInfinity(previousBound))
            {
                throw new FormatException($"{family.Name}{{{group.Key}}} has no le=\"+Inf\" bucket.");
            }

            if (previousCount != count.Value)
            {
                throw new FormatException($"{family.Name}{{{group.Key}}}: the +Inf bucket ({previousCount}) differs from _count ({count.Value}).");
            }
        }
    }

    private static double ParseNumber(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new FormatException($"'{text}' is not a number."),
    };

    private static string ReadName(string line, ref int position, bool allowColon)
    {
        var start = position;
        while (position < line.Length && (char.IsAsciiLetter(line[position]) || line[position] == '_' || (allowColon && line[position] == ':') || (position > start && char.IsAsciiDigit(line[position]))))
        {
            position++;
        }

        if (position == start)
        {
            throw new FormatException($"Expected a name at column {start + 1}.");
        }

        return line[start..position];
    }

    /// <summary>The character at <paramref name="position"/>, or '\0' past the end (never part of valid text).</summary>
    private static char Peek(string line, int position) => position < line.Length ? line[position] : '\0';

    private static void CheckMetricName(string name)
    {
        var position = 0;
        if (ReadName(name, ref position, allowColon: true).Length != name.Length)
        {
            throw new FormatException($"'{name}' is not a metric name.");
        }
    }

    private static void Expect(string line, ref int position, char expected)
    {
        if (position >= line.Length || line[position] != expected)
        {
            throw new FormatException($"Expected '{expected}' at column {position + 1}.");
        }

        position++;
    }

    private static string UnescapeHelp(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                builder.Append(text[i]);
                continue;
            }

            i++;
            builder.Append(i < text.Length ? text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                _ => throw new FormatException($"Bad escape \\{text[i]}."),
            } : throw new FormatException("A backslash ends the text."));
        }

        return builder.ToString();
    }
}
