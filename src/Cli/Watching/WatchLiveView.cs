using System.Globalization;
using System.Threading.Channels;
using OrleansCache.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansCache.Cli.Watching;

/// <summary>
/// <c>watch</c> for a person at a terminal: a Spectre.Console live view, redrawn in place, of the latest invalidations
/// (time, kind, target, version or reason) under a count of each kind since the watch began. It ends, leaving its last
/// state on screen, with Ctrl+C or when the events end.
/// </summary>
internal static class WatchLiveView
{
    /// <summary>How many of the latest invalidations the view lists, at most (fewer on a terminal without the lines for them).</summary>
    internal const int Rows = 20;

    /// <summary>The lines the view takes besides its rows: borders, headers, the counts, and one for the cursor.</summary>
    private const int Frame = 6;

    /// <summary>At most this often the view is redrawn: a burst of invalidations is drawn once, not once each.</summary>
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private static readonly CacheInvalidationKind[] Kinds = [CacheInvalidationKind.Key, CacheInvalidationKind.Pattern, CacheInvalidationKind.Tag, CacheInvalidationKind.All, CacheInvalidationKind.Resync];

    /// <summary>Shows the invalidations of <paramref name="events"/> shown for <paramref name="prefix"/> until it ends or Ctrl+C.</summary>
    /// <remarks><paramref name="takeSkipped"/> returns, and resets, how many were dropped before reaching the view (more than 10,000 waiting).</remarks>
    public static async Task ShowAsync(IAnsiConsole console, ChannelReader<WatchEvent> events, string prefix, Func<long> takeSkipped, TimeProvider time, CancellationToken cancellationToken)
    {
        // Taller than the terminal, the view would lose its top lines (the headers) when redrawn.
        var rows = Math.Clamp(console.Profile.Height - Frame, 1, Rows);
        var latest = new Queue<WatchEvent>(rows);
        var counts = Kinds.ToDictionary(k => k, _ => 0L);
        long skipped = 0;
        await console.Live(Render(latest, counts, skipped)).AutoClear(false).StartAsync(async context =>
        {
            try
            {
                while (await events.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (events.TryRead(out var e))
                    {
                        if (!e.IsShownFor(prefix))
                        {
                            continue;
                        }

                        counts[e.Kind]++;
                        if (latest.Count == rows)
                        {
                            latest.Dequeue();
                        }

                        latest.Enqueue(e);
                    }

                    skipped += takeSkipped();
                    context.UpdateTarget(Render(latest, counts, skipped));
                    await Task.Delay(RedrawInterval, time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: the way a watch ends; the last state stays on screen.
            }
        }).ConfigureAwait(false);
    }

    private static Table Render(IEnumerable<WatchEvent> latest, Dictionary<CacheInvalidationKind, long> counts, long skipped)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn(new TableColumn(new Text("TIME", new Style(decoration: Decoration.Bold))) { NoWrap = true });
        table.AddColumn(new TableColumn(new Text("KIND", new Style(decoration: Decoration.Bold))) { NoWrap = true });
        table.AddColumn(new TableColumn(new Text("TARGET", new Style(decoration: Decoration.Bold))));
        table.AddColumn(new TableColumn(new Text("VERSION / REASON", new Style(decoration: Decoration.Bold))));
        foreach (var e in latest)
        {
            var detail = e.Kind == CacheInvalidationKind.Resync ? $"{e.Reason}: invalidations may have been missed; subscribed again" : e.Version?.ToString() ?? string.Empty;
            table.AddRow(new IRenderable[] { new Text(e.Clock), new Text(e.KindName, KindStyle(e.Kind)), new Text(e.Target ?? string.Empty), new Text(detail) });
        }

        var summary = string.Join("  ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{KindName(c.Key)} {c.Value}")));
        var dropped = skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $"  not shown (output too slow) {skipped}") : string.Empty;
        table.Caption(new TableTitle(Markup.Escape($"{summary}{dropped}  -  Ctrl+C stops")));
        return table;
    }

    private static string KindName(CacheInvalidationKind kind) => new WatchEvent(default, kind, null, null, null).KindName;

    private static Style KindStyle(CacheInvalidationKind kind) => kind switch
    {
        CacheInvalidationKind.Key => Style.Plain,
        CacheInvalidationKind.Resync => new Style(Color.Yellow),
        _ => new Style(Color.Aqua),
    };
}
