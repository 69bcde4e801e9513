using Microsoft.Extensions.Logging;

namespace OrleansCache.TestSupport.Logging;

/// <summary>
/// A logger provider that keeps every message (formatted, with its state's values and its exception) so a test can
/// search what was logged, e.g. to prove a secret never was.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly List<string> _entries = [];
    private readonly List<(Func<IReadOnlyList<string>, bool> Condition, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>Everything logged so far, one entry per event.</summary>
    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Completes when <paramref name="condition"/> holds for what was logged (checked now and after each event).</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>.</exception>
    public Task WhenAsync(Func<IReadOnlyList<string>, bool> condition, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(_entries))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, signal));
        }

        return signal.Task.WaitAsync(timeout);
    }

    /// <summary>A logger factory that logs everything, at every level, here.</summary>
    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
            foreach (var waiter in _waiters.Where(w => w.Condition(_entries)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Signal.TrySetResult();
            }
        }
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The raw values too: a structured sink would store them even where the message template leaves them out.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            owner.Add($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} {{{values}}} {exception}");
        }
    }
}
