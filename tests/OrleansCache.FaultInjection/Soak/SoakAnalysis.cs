using System.Globalization;
using System.Text;
using OrleansCache.FaultInjection.History;

namespace OrleansCache.FaultInjection.Soak;

/// <summary>
/// What a soak's samples and operations say over time: latency and throughput per minute, and whether a process's
/// resources grew beyond a bound between its warmed-up start and its end.
/// </summary>
internal sealed class SoakAnalysis(IReadOnlyList<ResourceSample> samples, IReadOnlyList<OperationRecord> operations)
{
    /// <summary>The series of the runner's own process, which hosts the cache clients and keeps the run's history.</summary>
    public const string Runner = "runner";

    /// <summary>A process is judged for growth only if it was sampled over at least this long (silos are replaced by faults).</summary>
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromMinutes(4);

    /// <summary>
    /// What one recorded operation keeps alive in the runner besides its value: the record (object header, fields, the
    /// nullable version) and its slot in the history's queue.
    /// </summary>
    private const int RecordBytes = 112;

    /// <summary>Operations per minute and the p50/p99 of the successful ones' latency, by the minute they ended in.</summary>
    public IReadOnlyList<(int Minute, int Operations, double P50Ms, double P99Ms)> LatencyByMinute()
    {
        return [.. operations.Where(o => o.Ok)
            .GroupBy(o => (int)o.End.TotalMinutes)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var latencies = g.Select(o => (o.End - o.Start).TotalMilliseconds).Order().ToArray();
                return (g.Key, latencies.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
            })];
    }

    /// <summary>
    /// Growth beyond the bounds, one line per process and resource: the median of the last 15 % of a process's samples
    /// against the median of its samples between 25 % and 40 % of its life (after warm-up: JIT, pools, caches filling).
    /// Bounds: RSS and the runner's heap 1.5× + 64 MB, threads 1.5× + 32, descriptors 1.5× + 64. The runner keeps every
    /// operation's record for the checker, so its memory is judged net of the records added between the two windows
    /// (<see cref="HistoryBytes"/>): what is left is the clients' own growth. Its live heap is allowed the records' bytes;
    /// its RSS 1.5× them, as for everything else it holds: resident memory carries the collector's free space and
    /// budgets on top of what is alive (the 30-minute soak of 45beed0: RSS 1.35–1.6× the live heap throughout).
    /// </summary>
    public IReadOnlyList<string> Growth()
    {
        var found = new List<string>();
        foreach (var series in samples.GroupBy(s => s.Series))
        {
            var ordered = series.OrderBy(s => s.At).ToList();
            if (ordered.Count < 8 || ordered[^1].At - ordered[0].At < MinimumLifetime)
            {
                continue;
            }

            var history = series.Key == Runner ? HistoryMegabytesBetween(Middle(Window(ordered, 0.25, 0.40)), Middle(Window(ordered, 0.85, 1.0))) : 0;
            Check(found, series.Key, "RSS (MB)", ordered, s => s.RssMegabytes, 1.5, 64, 1.5 * history);
            Check(found, series.Key, "threads", ordered, s => s.Threads, 1.5, 32);
            Check(found, series.Key, "descriptors", ordered, s => s.Handles, 1.5, 64);
            if (ordered.All(s => s.HeapMegabytes is not null))
            {
                Check(found, series.Key, "managed heap (MB)", ordered, s => s.HeapMegabytes!.Value, 1.5, 64, history);
            }
        }

        return found;
    }

    /// <summary>About how many bytes the history keeps for one operation: its record, and its value's string.</summary>
    internal static long HistoryBytes(OperationRecord operation) => RecordBytes + (operation.Value is { } value ? 24 + (2L * value.Length) : 0);

    private double HistoryMegabytesBetween(TimeSpan from, TimeSpan to) =>
        operations.Where(o => o.End > from && o.End <= to).Sum(HistoryBytes) / 1048576.0;

    private static TimeSpan Middle(List<ResourceSample> window) => window[window.Count / 2].At;

    /// <summary>Per process: first, warmed-up and last medians of each resource, as a markdown table.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| process | sampled for | RSS MB (warm → end, max) | threads (warm → end) | descriptors (warm → end) | GCs |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var series in samples.GroupBy(s => s.Series).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = series.OrderBy(s => s.At).ToList();
            if (ordered[^1].At - ordered[0].At < MinimumLifetime)
            {
                continue;
            }

            var (warm, end) = (Window(ordered, 0.25, 0.40), Window(ordered, 0.85, 1.0));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {series.Key} | {(ordered[^1].At - ordered[0].At).TotalMinutes:0.0} min | {Median(warm, s => s.RssMegabytes):0} → {Median(end, s => s.RssMegabytes):0}, {ordered.Max(s => s.RssMegabytes):0} | {Median(warm, s => s.Threads):0} → {Median(end, s => s.Threads):0} | {Median(warm, s => s.Handles):0} → {Median(end, s => s.Handles):0} | {(ordered[^1].Collections is { } gcs ? gcs.ToString(CultureInfo.InvariantCulture) : "—")} |"));
        }

        return text.ToString();
    }

    /// <summary>Every sample as CSV, for plots elsewhere.</summary>
    public void WriteCsv(string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("seconds,series,rss_mb,threads,descriptors,collections,heap_mb");
        foreach (var s in samples)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.At.TotalSeconds:0.0},{s.Series},{s.RssMegabytes:0.0},{s.Threads},{s.Handles},{s.Collections},{s.HeapMegabytes:0.0}"));
        }
    }

    private static void Check(List<string> found, string series, string what, List<ResourceSample> ordered, Func<ResourceSample, double> value, double factor, double slack, double history = 0)
    {
        var warm = Median(Window(ordered, 0.25, 0.40), value);
        var end = Median(Window(ordered, 0.85, 1.0), value);
        if (end > (warm * factor) + slack + history)
        {
            var allowance = history > 0 ? string.Create(CultureInfo.InvariantCulture, $" + {history:0} for the history recorded meanwhile") : "";
            found.Add(string.Create(CultureInfo.InvariantCulture, $"{series}: {what} grew from {warm:0.#} (warmed up) to {end:0.#} (end), beyond {factor}× + {slack}{allowance}"));
        }
    }

    private static List<ResourceSample> Window(List<ResourceSample> ordered, double from, double to)
    {
        var start = ordered[0].At;
        var span = ordered[^1].At - start;
        var window = ordered.Where(s => s.At >= start + (span * from) && s.At <= start + (span * to)).ToList();
        return window.Count > 0 ? window : [ordered[^1]];
    }

    private static double Median(List<ResourceSample> window, Func<ResourceSample, double> value)
    {
        var values = window.Select(value).Order().ToArray();
        return values[values.Length / 2];
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
