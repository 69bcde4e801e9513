using Microsoft.Extensions.Logging;

namespace OrleansCache.FaultInjection.History;

/// <summary>
/// Records all of one client's cache log and Orleans' warnings into the run's <see cref="ClientLog"/>.
/// </summary>
internal sealed class ClientLogProvider(int client, ClientLog log, RunClock clock) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) =>
        new Recorder(message => log.Add(client, clock.Now, message.Level, message.Text), categoryName.StartsWith("OrleansCache", StringComparison.Ordinal) ? LogLevel.Debug : LogLevel.Warning);

    public void Dispose()
    {
    }

    private sealed class Recorder(Action<(string Level, string Text)> add, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                add((logLevel.ToString(), formatter(state, exception)));
            }
        }
    }
}
