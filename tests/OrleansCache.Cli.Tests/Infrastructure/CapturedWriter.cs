using System.Text;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>
/// A writer that keeps what the tool writes and lets a test await a line while the tool is still running (watch).
/// Writes complete synchronously, so lines are seen in the order written.
/// </summary>
internal sealed class CapturedWriter : TextWriter
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Signal)> _waiters = [];
    private int _lineStart;

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>The complete lines written so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Completes with the first complete line (written so far or later) that matches.</summary>
    public Task<string> LineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        lock (_lock)
        {
            var already = _lines.FirstOrDefault(match);
            if (already is not null)
            {
                return Task.FromResult(already);
            }

            var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, signal));
            return signal.Task.WaitAsync(timeout ?? Timeout);
        }
    }

    public Task<string> LineContainingAsync(string text, TimeSpan? timeout = null) =>
        LineAsync(line => line.Contains(text, StringComparison.Ordinal), timeout);

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        List<string> completed = [];
        lock (_lock)
        {
            _text.Append(value);
            for (var i = _text.Length - value.Length; i < _text.Length; i++)
            {
                if (_text[i] == '\n')
                {
                    var line = _text.ToString(_lineStart, i - _lineStart).TrimEnd('\r');
                    _lines.Add(line);
                    completed.Add(line);
                    _lineStart = i + 1;
                }
            }

            foreach (var line in completed)
            {
                var matched = _waiters.Where(w => w.Match(line)).ToList();
                _waiters.RemoveAll(matched.Contains);
                foreach (var (_, signal) in matched)
                {
                    signal.TrySetResult(line);
                }
            }
        }
    }

    public override void WriteLine(string? value) => Write(value + "\n");

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync()
    {
        Write("\n");
        return Task.CompletedTask;
    }

    public override Task FlushAsync() => Task.CompletedTask;

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
