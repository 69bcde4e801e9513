using System.Globalization;
using ScottPlot;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>
/// Latency CDF plots (PNG) of a pair, ours and each peer on one chart, with <c>--plots DIR</c>. Each series merges the
/// samples of every repeat; the x axis is logarithmic, so a p50 in microseconds and a p99 in milliseconds both show.
/// </summary>
internal static class LatencyPlots
{
    public static void Write(string? directory, string fileName, string title, IEnumerable<(string Series, IReadOnlyList<LatencySummary> Repeats)> series, TextWriter log)
    {
        if (directory is null)
        {
            return;
        }

        var plot = new Plot();
        foreach (var (name, repeats) in series)
        {
            var merged = new LatencyRecorder();
            foreach (var repeat in repeats)
            {
                if (repeat.Distribution is { } distribution)
                {
                    merged.Add(distribution);
                }
            }

            var points = merged.Cumulative();
            if (points.Count == 0)
            {
                continue;
            }

            double[] xs = [.. points.Select(p => Math.Log10(p.Micros))];
            double[] ys = [.. points.Select(p => p.Percent)];
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = name;
            line.LineWidth = 2;
        }

        plot.Title(title);
        plot.XLabel("latency (µs, log scale)");
        plot.YLabel("samples at or below (%)");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Math.Pow(10, v).ToString("#,0.#", CultureInfo.InvariantCulture),
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
        };
        plot.Axes.SetLimitsY(0, 100);
        plot.ShowLegend(Alignment.LowerRight);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        plot.SavePng(path, 900, 540);
        log.WriteLine($"  plot: {path}");
    }
}
