using System.Threading.Channels;
using OrleansCache.Grains.Interfaces;
using Spectre.Console;

namespace OrleansCache.Cli.Progress;

/// <summary>
/// Progress for a person watching stderr: a Spectre.Console progress display, "collecting keys" while the cluster
/// gathers them, then one bar per silo (its keys invalidated out of its keys), redrawn in place. The bars stay on
/// screen at the end, each at its silo's total.
/// </summary>
internal sealed class TerminalProgressView : IBulkProgressView
{
    private readonly Channel<BulkInvalidationProgress> _reports = Channel.CreateUnbounded<BulkInvalidationProgress>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _display;

    private TerminalProgressView(IAnsiConsole console, TimeProvider time)
    {
        var progress = new Spectre.Console.Progress(console, time) { AutoClear = false, HideCompleted = false }
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new KeysColumn(), new ElapsedTimeColumn());
        _display = progress.StartAsync(DisplayAsync);
    }

    public static TerminalProgressView Start(IAnsiConsole console, TimeProvider time) => new(console, time);

    public Task ShowAsync(BulkInvalidationProgress report)
    {
        _reports.Writer.TryWrite(report);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _reports.Writer.TryComplete();
        await _display.ConfigureAwait(false);
    }

    private async Task DisplayAsync(ProgressContext context)
    {
        ProgressTask? collecting = context.AddTask("collecting keys").IsIndeterminate(true);
        var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
        await foreach (var report in _reports.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (collecting is not null && (report.Silos.Count > 0 || report.IsCompleted))
            {
                context.RemoveTask(collecting);
                collecting = null;
            }

            foreach (var silo in report.Silos)
            {
                if (!bars.TryGetValue(silo.Silo, out var bar))
                {
                    bars[silo.Silo] = bar = context.AddTask(Markup.Escape(BulkProgressView.SiloLabel(silo)), maxValue: silo.Total);
                }

                bar.MaxValue = silo.Total;
                bar.Value = silo.Done;
            }

            if (report.IsCompleted)
            {
                foreach (var bar in bars.Values)
                {
                    bar.StopTask();
                }
            }

            context.Refresh();
        }

        if (collecting is not null)
        {
            // Ended before any key was counted (an error, Ctrl+C): no spinner left behind.
            context.RemoveTask(collecting);
        }
    }
}
