using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansCache.Fuzz.Tests.Infrastructure;

/// <summary>
/// Keeps the warnings and errors a cluster logs, so a fuzz test can assert that bad input was logged as a rejection
/// and never as an error (an error means some code path did not expect it).
/// </summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _errors = new();
    private readonly ConcurrentDictionary<string, long> _warnings = new(StringComparer.Ordinal);

    public LogCapture()
    {
        Factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddProvider(this));
    }

    /// <summary>The factory to give the cluster.</summary>
    public ILoggerFactory Factory { get; }

    /// <summary>Everything logged at Error or above.</summary>
    public IReadOnlyList<Entry> Errors => [.. _errors];

    /// <summary>How many warnings were logged with each event name, e.g. <c>LogProtocolViolation=12</c>.</summary>
    public string DescribeWarnings() =>
        string.Join(", ", _warnings.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key}={w.Value}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() => Factory.Dispose();

    internal sealed record Entry(string Category, LogLevel Level, string EventName, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category} [{EventName}] {Message} {Exception}";
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var name = eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (logLevel == LogLevel.Warning)
            {
                // Counted, not kept: fuzzing logs many, and keeping them would show up in the allocation bounds.
                owner._warnings.AddOrUpdate(name, 1, static (_, n) => n + 1);
            }
            else if (logLevel > LogLevel.Warning && owner._errors.Count < 1000)
            {
                owner._errors.Enqueue(new Entry(category, logLevel, name, formatter(state, exception), exception));
            }
        }
    }
}
