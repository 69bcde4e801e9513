using ScottPlot;

namespace OrleansCache.FaultInjection.Soak;

/// <summary>A soak's curves as PNGs: RSS, threads and descriptors per process, and latency per minute.</summary>
internal static class SoakPlots
{
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<ResourceSample> samples, SoakAnalysis analysis)
    {
        Directory.CreateDirectory(directory);
        return
        [
            Resource(directory, "soak-rss.png", "Resident memory per process", "RSS (MB)", samples, s => s.RssMegabytes),
            Resource(directory, "soak-threads.png", "Threads per process", "threads", samples, s => s.Threads),
            Resource(directory, "soak-descriptors.png", "Open descriptors per process", "descriptors", samples, s => s.Handles),
            Latency(directory, analysis),
        ];
    }

    private static string Resource(string directory, string file, string title, string label, IReadOnlyList<ResourceSample> samples, Func<ResourceSample, double> value)
    {
        var plot = new Plot();

        // One line per silo slot (its generations joined: a drop is a fault that replaced the silo) and one for the runner.
        foreach (var series in samples.GroupBy(s => s.Series == SoakAnalysis.Runner ? "runner (clients)" : s.Series.Split('.')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = series.OrderBy(s => s.At).ToList();
            var line = plot.Add.ScatterLine(ordered.Select(s => s.At.TotalMinutes).ToArray(), ordered.Select(value).ToArray());
            line.LegendText = series.Key;
            line.LineWidth = 2;
        }

        return Save(plot, directory, file, title, label);
    }

    private static string Latency(string directory, SoakAnalysis analysis)
    {
        var plot = new Plot();
        var minutes = analysis.LatencyByMinute();
        var xs = minutes.Select(m => (double)m.Minute).ToArray();
        var p99 = plot.Add.ScatterLine(xs, minutes.Select(m => m.P99Ms).ToArray());
        p99.LegendText = "p99";
        p99.LineWidth = 2;
        var p50 = plot.Add.ScatterLine(xs, minutes.Select(m => m.P50Ms).ToArray());
        p50.LegendText = "p50";
        p50.LineWidth = 2;
        return Save(plot, directory, "soak-latency.png", "Operation latency per minute (faults included)", "latency (ms)");
    }

    private static string Save(Plot plot, string directory, string file, string title, string label)
    {
        plot.Title(title);
        plot.XLabel("minutes into the run");
        plot.YLabel(label);
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top * 1.1);
        plot.ShowLegend(Alignment.UpperLeft);
        var path = Path.Combine(directory, file);
        plot.SavePng(path, 900, 500);
        return path;
    }
}
