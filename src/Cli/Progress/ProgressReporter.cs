using System.Diagnostics;
using System.Globalization;

namespace OrleansCache.Cli.Progress;

/// <summary>
/// Shows that a long operation is still running, on stderr: on a terminal a spinner with the elapsed time, redrawn in
/// place; otherwise (with --progress) a line when it starts and one every few seconds. The cluster reports a bulk
/// invalidation's count only when every silo has finished, so this shows time, not a percentage.
/// </summary>
internal sealed class ProgressReporter : IAsyncDisposable
{
    private static readonly string[] Spinner = ["|", "/", "-", "\\"];

    private readonly TextWriter _error;
    private readonly string _label;
    private readonly bool _terminal;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ProgressReporter(TextWriter error, string label, bool terminal, bool show)
    {
        _error = error;
        _label = label;
        _terminal = terminal && show;
        _loop = show ? RunAsync() : Task.CompletedTask;
    }

    public TimeSpan Elapsed => _elapsed.Elapsed;

    /// <summary>Starts showing progress if <paramref name="show"/>; otherwise returns a reporter that only measures time.</summary>
    public static ProgressReporter Start(CliConsole console, bool show, string label) =>
        new(console.Error, label, console.ErrorIsTerminal, show);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_terminal)
        {
            // Clear the spinner's line so the result starts on a clean one.
            await _error.WriteAsync("\r" + new string(' ', _label.Length + 16) + "\r").ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        if (!_terminal)
        {
            await _error.WriteLineAsync(_label + " ...").ConfigureAwait(false);
        }

        var interval = _terminal ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(5);
        using var timer = new PeriodicTimer(interval);
        var ticks = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var seconds = _elapsed.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                var line = _terminal ? $"\r{Spinner[ticks++ % Spinner.Length]} {_label} {seconds}s" : $"{_label}: {seconds}s so far";
                await (_terminal ? _error.WriteAsync(line) : _error.WriteLineAsync(line)).ConfigureAwait(false);
                await _error.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the operation finished.
        }
    }
}
