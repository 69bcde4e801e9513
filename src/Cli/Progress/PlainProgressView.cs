using System.Text;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Progress;

/// <summary>
/// Progress as lines, for a stderr that is not a terminal (a CI log, a file): the label when it starts, then a line
/// with every silo's count at most once a second, and always the last one, which reaches the total.
/// </summary>
/// <example><c>progress: 4211/10000 keys  silo-a 1400/3350  silo-b 1411/3300  silo-c 1400/3350</c></example>
internal sealed class PlainProgressView : IBulkProgressView
{
    /// <summary>Often enough to see it move in a log, rarely enough not to flood it.</summary>
    internal static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(1);

    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly Task _started;
    private BulkInvalidationProgress? _pending;
    private long _lastLineAt;
    private bool _anyLine;

    public PlainProgressView(TextWriter error, string label, TimeProvider time)
    {
        _error = error;
        _time = time;
        _started = error.WriteLineAsync(label + " ...");
    }

    public async Task ShowAsync(BulkInvalidationProgress report)
    {
        await _started.ConfigureAwait(false);
        if (report.Silos.Count == 0 && !report.IsCompleted)
        {
            // Still collecting the keys: the label said so.
            return;
        }

        var now = _time.GetTimestamp();
        if (report.IsCompleted || !_anyLine || _time.GetElapsedTime(_lastLineAt, now) >= LineInterval)
        {
            await WriteAsync(report, now).ConfigureAwait(false);
        }
        else
        {
            _pending = report;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _started.ConfigureAwait(false);
        if (_pending is { } last)
        {
            // Stopped before the last report (an error, Ctrl+C): show how far it got.
            await WriteAsync(last, _time.GetTimestamp()).ConfigureAwait(false);
        }
    }

    /// <summary>One progress line: every key, then each silo's.</summary>
    internal static string Line(BulkInvalidationProgress report)
    {
        var line = new StringBuilder("progress: ").Append(BulkProgressView.Fraction(report.Done, report.Total)).Append(" keys");
        foreach (var silo in report.Silos)
        {
            line.Append("  ").Append(BulkProgressView.SiloLabel(silo)).Append(' ').Append(BulkProgressView.Fraction(silo.Done, silo.Total));
        }

        return line.ToString();
    }

    private async Task WriteAsync(BulkInvalidationProgress report, long now)
    {
        _pending = null;
        _anyLine = true;
        _lastLineAt = now;
        await _error.WriteLineAsync(Line(report)).ConfigureAwait(false);
        await _error.FlushAsync().ConfigureAwait(false);
    }
}
